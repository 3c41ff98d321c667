"""The coordinatrice's dashboard (``tableau``), through the service: one row per candidate,
late ones first, filters, and what each reader may see — the blind rule included."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from flows.inscription import FicheCandidat, SessionCertification
from flows.service import Service
from referentiel import CodeValeur, default
from storage import MemoryStore
from tests.harnais import Horloge, Utilisateur
from tests.store_outils import T0
from tests.test_candidats import _evaluation, _noter, _viser

REFERENTIEL = default()
B4 = len(REFERENTIEL.blocs[3].criteres)


@pytest.fixture
async def service() -> Service:
    """C042 Sophie Bernard: B1 signed validé, B3 reconciling, B4 half scored by the expert.
    C043 Paul Girard: B1 created, due yesterday. C044 Lina Morel: enrolled in « Printemps
    2027 » (coordinated by u-coord2), nothing started; its jury date has passed."""
    store = MemoryStore()
    evs = {b: _evaluation("C042", "Sophie Bernard", b) for b in ("B1", "B3", "B4")}
    en_retard = _evaluation("C043", "Paul Girard", "B1").model_copy(
        update={"echeance": T0.date() - timedelta(days=1)}
    )
    for ev in (*evs.values(), en_retard):
        await store.creer(ev, par="u-coord")
    await _noter(store, evs["B1"], "u-expert")
    await _noter(store, evs["B1"], "u-interne")
    await _viser(store, evs["B1"])
    await _noter(store, evs["B3"], "u-expert")
    await _noter(store, evs["B3"], "u-interne", CodeValeur.ECA)
    await _noter(store, evs["B4"], "u-expert", jusqu_a=5, soumettre=False)
    session = SessionCertification(
        nom="Printemps 2027", jury=date(2026, 10, 1), coordinateurs=("u-coord2",), horodatage=T0
    )
    fiche = FicheCandidat(
        reference="C044", nom="Morel", prenom="Lina", session=session.nom,
        blocs=("B1", "B2"), horodatage=T0,
    )  # fmt: skip
    await store.inscrire(session, [fiche], par="u-admin")
    return Service(store, REFERENTIEL, Horloge(), coordinateurs=("u-coord",))


async def test_a_coordinateur_reads_one_row_per_candidate_late_ones_first(
    service: Service,
) -> None:
    lu = await Utilisateur(service, "u-coord").taper("tableau")
    assert "Tableau de bord — 2 candidat(s)" in lu  # C044's session is not theirs
    assert lu.index("C043 — Paul Girard") < lu.index("C042 — Sophie Bernard")
    assert "⚠ C043 — Paul Girard (en retard)" in lu
    assert "B1 non commencé — en retard (échéance 01/11/2026)" in lu  # created, not scored
    assert "B1 visée par les deux évaluateurs : validé" in lu
    assert "B3 rapprochement" in lu
    assert f"B4 notation : Amel Haddad 5/{B4} ; Paul Roche 0/{B4}" in lu
    assert "B2 non commencé" in lu and "blocs acquis : B1" in lu
    assert "Lina" not in lu


async def test_the_session_coordinatrice_sees_her_enrolled_candidates(service: Service) -> None:
    lu = await Utilisateur(service, "u-coord2").taper("tableau session=printemps 2027")
    assert "Tableau de bord — session « Printemps 2027 » (jury le 01/10/2026), 1 candidat(s)" in lu
    assert "⚠ C044 — Lina Morel (en retard)" in lu  # the jury date has passed
    assert "B1 non commencé — en retard (échéance 01/10/2026)" in lu
    assert "B3" not in lu  # not among her blocs: « non prévu » is left out
    assert "Sophie" not in lu


@pytest.mark.parametrize(
    ("filtres", "voit", "ne_voit_pas"),
    [
        ("etat=rapprochement", "C042", "C043"),
        ("etat=retard", "C043", "C042"),
        ("bloc=B4 etat=notation", "C042", "C043"),
        ("bloc=b1 etat=visee", "C042", "C043"),
        ("evaluateur=roche", "C042", "C044"),
    ],
)
async def test_the_filters_keep_the_rows_asked_for(
    service: Service, filtres: str, voit: str, ne_voit_pas: str
) -> None:
    lu = await Utilisateur(service, "u-coord").taper(f"tableau {filtres}")
    assert voit in lu and ne_voit_pas not in lu


@pytest.mark.parametrize(
    ("filtres", "message"),
    [
        ("couleur=rouge", "Filtre « couleur » inconnu"),
        ("bloc=B7", "Bloc « B7 » inconnu : les blocs sont B1, B2, B3, B4."),
        ("etat=fini", "État « fini » inconnu : les états sont"),
        ("etat=visee session=Hiver", "Aucun candidat ne correspond à ces filtres"),
    ],
)
async def test_a_wrong_filter_is_said_in_french(
    service: Service, filtres: str, message: str
) -> None:
    lu = await Utilisateur(service, "u-coord").taper(f"tableau {filtres}")
    assert message in lu and "Sophie" not in lu


async def test_an_evaluateur_sees_their_own_grid_only_and_no_cqp(service: Service) -> None:
    lu = await Utilisateur(service, "u-interne").taper("tableau")
    assert f"B4 notation : vous 0/{B4}" in lu
    assert "5/" not in lu  # the expert's progress stays theirs until both are submitted
    assert "blocs acquis" not in lu and "CQP" not in lu


async def test_someone_who_follows_nothing_learns_no_name(service: Service) -> None:
    lu = await Utilisateur(service, "u-intrus").taper("tableau")
    assert "Aucun candidat à afficher" in lu
    assert not any(nom in lu for nom in ("Sophie", "Paul", "Lina", "C04"))


async def test_an_admin_who_scores_an_evaluation_sees_only_her_own_grid_there(
    service: Service,
) -> None:
    """Following and scoring at once: how far the other évaluateur is stays theirs until both
    grids are submitted, as in ``statut`` (found with the Slack App Home's dashboard)."""
    admin = Service(service.store, REFERENTIEL, Horloge(), admins=("u-interne",))
    lu = await Utilisateur(admin, "u-interne").taper("tableau")
    assert f"B4 notation : vous 0/{B4}" in lu and "5/" not in lu
    assert "C044 — Lina Morel" in lu  # an admin: every session's candidates


async def test_a_session_s_coordinatrice_follows_its_candidates_evaluations_whoever_made_them(
    service: Service,
) -> None:
    """Found in review: an evaluation made by another coordinateur (« nouvelle ») read « non
    commencé » and « en retard » on the session's own coordinatrice's dashboard."""
    store = service.store
    assert isinstance(store, MemoryStore)
    ev = _evaluation("C044", "Lina Morel", "B1")  # its coordinateur: u-coord, not u-coord2
    await store.creer(ev, par="u-coord")
    await _noter(store, ev, "u-expert", jusqu_a=5, soumettre=False)
    coordinatrice = Utilisateur(service, "u-coord2")
    b1 = len(REFERENTIEL.blocs[0].criteres)
    attendu = f"B1 notation : Amel Haddad 5/{b1} ; Paul Roche 0/{b1}"
    assert attendu in await coordinatrice.taper("tableau")
    assert f"notation : Amel Haddad 5/{b1} ; Paul Roche 0/{b1} (ev-C044-B1)" in (
        await coordinatrice.taper("candidat C044")
    )
