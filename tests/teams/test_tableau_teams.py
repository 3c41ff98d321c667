"""The coordinatrice's dashboard in Teams: ``tableau`` typed in the personal chat, answered
with a card (its rows read by Microsoft's renderer in ``test_rendu_teams``, which runs the
scenario that ends with it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flows.inscription import FicheCandidat, SessionCertification
from flows.messages import FormEvent, Origin
from tests.teams.outils import (
    COORD,
    EXPERT,
    INTERNE,
    INTRUS,
    RESULTATS,
    Teams,
    conversation_de,
    teams,
)

VALEURS = {
    "candidat_nom": "Jeanne Martin", "candidat_reference": "C042", "bloc": "B1",
    "evaluateur_1": EXPERT, "role_1": "expert_habilite",
    "evaluateur_2": INTERNE, "role_2": "expert_interne", "destination": RESULTATS,
}  # fmt: skip


async def _preparer(t: Teams) -> None:
    """C042 Jeanne Martin's bloc B1 created by the coordinatrice; Lina Morel enrolled in her
    session, whose jury date has passed (late)."""
    origine = Origin(channel="teams", conversation=conversation_de(COORD), user=COORD)
    await t.service.handle(
        FormEvent(origin=origine, request_id="creation", form="nouvelle", values=VALEURS)
    )
    maintenant = datetime.now(UTC)
    session = SessionCertification(
        nom="Printemps 2026", jury=(maintenant - timedelta(days=10)).date(),
        coordinateurs=(COORD,), horodatage=maintenant,
    )  # fmt: skip
    fiche = FicheCandidat(
        reference="C101", nom="Morel", prenom="Lina", session=session.nom, blocs=("B1", "B2"),
        horodatage=maintenant,
    )  # fmt: skip
    await t.service.store.inscrire(session, [fiche], par=COORD)


def _lignes(carte: dict[str, Any]) -> list[str]:
    """Each element of the card's body as it reads: its text runs joined."""
    return ["".join(r["text"] for r in e.get("inlines", ())) for e in carte["body"]]


async def test_tableau_typed_in_teams_answers_the_coordinatrice_with_a_card_of_her_rows(
    tmp_path: Path,
) -> None:
    async with teams(tmp_path) as t:
        await _preparer(t)
        await t.installer(COORD)
        assert (await t.ecrire(COORD, "tableau")).status == 202
        reponse = t.dernier_a(COORD, "Tableau de bord")
        [carte] = reponse.cartes
        lignes = _lignes(carte)
        assert lignes[0] == "Tableau de bord — 2 candidat(s)"
        # One element a candidate, the late one first: who in bold, then each bloc's state.
        assert lignes[1].startswith("⚠ C101 — Lina Morel (en retard)\nB1 non commencé — en retard")
        assert lignes[2].startswith("C042 — Jeanne Martin\nB1 non commencé")
        assert carte["body"][1]["inlines"][0] == {
            "type": "TextRun", "text": "⚠ C101 — Lina Morel (en retard)", "weight": "Bolder",
        }  # fmt: skip
        assert carte["fallbackText"] == "Tableau de bord — 2 candidat(s)"


async def test_tableau_typed_in_teams_by_an_outsider_names_nobody(tmp_path: Path) -> None:
    async with teams(tmp_path) as t:
        await _preparer(t)
        await t.installer(INTRUS)
        assert (await t.ecrire(INTRUS, "tableau")).status == 202
        refus = t.dernier_a(INTRUS)
        assert "Aucun candidat à afficher" in refus.texte
        assert not any(nom in refus.texte for nom in ("Jeanne", "Lina", "C042", "C101"))
