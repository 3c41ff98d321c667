"""The coordinatrice's dashboard in Slack: the App Home's section, and ``/cqp tableau`` typed.

Through signed requests into the server and the fake Web API: what Slack would show is
what the fake received (``views.publish`` for the Home, the ``response_url`` for a command).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.slack.accueil import MAX_LIGNES
from bot.slack.transport import SlackAt
from flows.inscription import FicheCandidat, SessionCertification
from flows.messages import FormEvent, Origin
from tests.slack.outils import COORD, EXPERT, INTERNE, INTRUS, RESULTATS, Slack, slack, textes_de

VALEURS = {
    "candidat_nom": "Jeanne Martin", "candidat_reference": "C042", "bloc": "B1",
    "evaluateur_1": EXPERT, "role_1": "expert_habilite",
    "evaluateur_2": INTERNE, "role_2": "expert_interne", "destination": RESULTATS,
}  # fmt: skip
SESSION = "Printemps 2026"


async def _creer(s: Slack) -> None:
    """C042 Jeanne Martin, bloc B1, created by the coordinatrice (the évaluateurs invited)."""
    origine = Origin(channel="slack", conversation=f"D{COORD}", user=COORD)
    replies = await s.service.handle(
        FormEvent(origin=origine, request_id="creation", form="nouvelle", values=VALEURS)
    )
    assert s.canal is not None
    await s.canal.delivery.deliver(origine, replies, SlackAt(origine), "creation")


async def _inscrire(s: Slack, n: int, jury_passe: bool) -> None:
    """``n`` candidates (C101, C102…) enrolled on B1 and B2 in the coordinatrice's session,
    whose jury date has passed (``jury_passe``: every one of them late) or is to come."""
    maintenant = datetime.now(UTC)
    jours = -10 if jury_passe else 30
    session = SessionCertification(
        nom=SESSION, jury=(maintenant + timedelta(days=jours)).date(), coordinateurs=(COORD,),
        horodatage=maintenant,
    )  # fmt: skip
    fiches = [
        FicheCandidat(reference=f"C{100 + i}", nom="Morel", prenom=f"Lina{i}", session=SESSION,
                      blocs=("B1", "B2"), horodatage=maintenant)
        for i in range(1, n + 1)
    ]  # fmt: skip
    await s.service.store.inscrire(session, fiches, par=COORD)


async def _accueil(s: Slack, personne: str) -> dict[str, Any]:
    """The Home opened by ``personne``: the view Slack was given."""
    await s.evenement({"type": "app_home_opened", "user": personne, "tab": "home",
                       "channel": f"D{personne}", "event_ts": "1700000400.1"})  # fmt: skip
    await s.attendre(lambda: bool(s.faux.de("views.publish")))
    [publication] = s.faux.de("views.publish")
    assert publication["user_id"] == personne
    return dict(publication["view"])


async def test_app_home_shows_the_coordinatrice_her_dashboard_late_ones_first(
    tmp_path: Path,
) -> None:
    async with slack(tmp_path) as s:
        await _creer(s)
        await _inscrire(s, 1, jury_passe=True)
        vue = await _accueil(s, COORD)
        blocs = vue["blocks"]
        assert blocs[0] == {
            "type": "header", "text": {"type": "plain_text", "text": "Tableau de bord",
                                       "emoji": True},
        }  # fmt: skip
        lu = textes_de(vue)
        assert "2 candidat(s), dont ⚠ 1 en retard" in lu
        # The late one first, said in words; the other one created, nobody has scored yet.
        assert lu.index("⚠ C101 — Lina1 Morel (en retard)") < lu.index("C042 — Jeanne Martin")
        assert "B1 non commencé — en retard (échéance " in lu and "B3" not in lu.split("C042")[0]
        assert "C042 — Jeanne Martin\nB1 non commencé · B2 non commencé" in lu
        assert "blocs acquis : aucun" in lu
        # Then her own evaluations and the follow-up, below the dashboard.
        assert lu.index("C042 — Jeanne Martin") < lu.index("Mes évaluations")
        assert lu.index("Mes évaluations") < lu.index("Suivi des évaluations que vous coordonnez")


async def test_app_home_lists_fifteen_candidates_then_says_how_many_more(tmp_path: Path) -> None:
    async with slack(tmp_path) as s:
        await _inscrire(s, 40, jury_passe=False)
        vue = await _accueil(s, COORD)
        lu = textes_de(vue)
        assert "40 candidat(s), aucun en retard" in lu and "⚠" not in lu
        lignes = [b for b in vue["blocks"] if "Morel" in b.get("text", {}).get("text", "")]
        assert len(lignes) == MAX_LIGNES
        assert "C101 — Lina1 Morel" in lu and f"C{100 + MAX_LIGNES + 1}" not in lu
        assert f"… et {40 - MAX_LIGNES} autre(s) : tapez /cqp tableau avec des filtres" in lu
        # The fake refuses, as Slack does, a Home over 100 blocks or a text over its limit.
        assert s.faux.appels[-1].methode == "views.publish"


async def test_app_home_of_an_evaluateur_has_no_dashboard_nor_the_other_grid(
    tmp_path: Path,
) -> None:
    async with slack(tmp_path) as s:
        await _creer(s)
        await _inscrire(s, 3, jury_passe=True)
        lu = textes_de(await _accueil(s, EXPERT))
        assert "Mes évaluations" in lu and "C042" in lu
        assert "Tableau de bord" not in lu and "candidat(s)" not in lu
        assert INTERNE not in lu  # how far the other évaluateur is: the blind rule
        assert "Lina" not in lu and "C101" not in lu  # a session that is not hers


async def test_app_home_of_an_outsider_shows_no_dashboard(tmp_path: Path) -> None:
    async with slack(tmp_path) as s:
        await _creer(s)
        lu = textes_de(await _accueil(s, INTRUS))
        assert "Tableau de bord" not in lu and "Jeanne" not in lu and "C042" not in lu


async def test_the_dashboard_is_as_of_the_last_opening_of_the_home(tmp_path: Path) -> None:
    """Opened again after a session was enrolled: the Home reads the new candidates."""
    async with slack(tmp_path) as s:
        await _creer(s)
        assert "1 candidat(s), aucun en retard" in textes_de(await _accueil(s, COORD))
        await _inscrire(s, 2, jury_passe=True)
        await s.evenement({"type": "app_home_opened", "user": COORD, "tab": "home",
                           "channel": f"D{COORD}", "event_ts": "1700000400.2"})  # fmt: skip
        await s.attendre(lambda: len(s.faux.de("views.publish")) == 2)
        lu = textes_de(s.faux.de("views.publish")[-1]["view"])
        assert "3 candidat(s), dont ⚠ 2 en retard" in lu and "C102 — Lina2 Morel" in lu


def _reponses(s: Slack) -> list[dict[str, Any]]:
    return [a.args for a in s.faux.appels if a.methode.startswith("response_url")]


async def test_cqp_tableau_typed_answers_the_coordinatrice_alone_with_her_rows(
    tmp_path: Path,
) -> None:
    """« /cqp tableau » in a channel: the rows for the coordinatrice, for her eyes only
    (ephemeral); an outsider learns no name."""
    async with slack(tmp_path) as s:
        await _creer(s)
        await _inscrire(s, 1, jury_passe=True)
        reponse = await s.commande(COORD, "tableau", canal="C0GENERAL")
        assert reponse.status == 200
        await s.attendre(lambda: len(_reponses(s)) == 1)
        [tableau] = _reponses(s)
        assert tableau["response_type"] == "ephemeral"
        lu = textes_de(tableau)
        assert "Tableau de bord — 2 candidat(s)" in lu
        assert lu.index("⚠ C101 — Lina1 Morel (en retard)") < lu.index("C042 — Jeanne Martin")
        await s.commande(COORD, f"tableau session={SESSION} etat=retard", canal="C0GENERAL")
        await s.attendre(lambda: len(_reponses(s)) == 2)
        filtre = textes_de(_reponses(s)[-1])
        assert "C101" in filtre and "Jeanne" not in filtre
        await s.commande(INTRUS, "tableau", canal="C0GENERAL")
        await s.attendre(lambda: len(_reponses(s)) == 3)
        refus = textes_de(_reponses(s)[-1])
        assert "Aucun candidat à afficher" in refus
        assert not any(nom in refus for nom in ("Jeanne", "Lina", "C042", "C101"))
        assert not s.messages_a(f"D{INTRUS}")  # nothing in a DM either
