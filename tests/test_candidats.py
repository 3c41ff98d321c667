"""A candidate across the 4 blocs (``candidat <référence ou nom>``), through the service: each
bloc's state as the reader may see it, the CQP proposal, typos forgiven, outsiders told nothing.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from flows.evaluation import Evaluation, Reponse, Soumission, Visa
from flows.inscription import FicheCandidat, SessionCertification
from flows.service import Service
from referentiel import CodeValeur, default
from storage import MemoryStore
from tests.harnais import Horloge, Utilisateur
from tests.store_outils import T0, evaluation

REFERENTIEL = default()


def _evaluation(reference: str, nom: str, bloc: str) -> Evaluation:
    return evaluation(reference=reference, nom=nom).model_copy(
        update={"id": f"ev-{reference}-{bloc}", "bloc": bloc}
    )


async def _noter(
    store: MemoryStore, ev: Evaluation, qui: str, valeur: CodeValeur = CodeValeur.A,
    jusqu_a: int | None = None, soumettre: bool = True,
) -> None:  # fmt: skip
    bloc = REFERENTIEL.bloc(ev.bloc)
    assert bloc is not None
    for i, critere in enumerate(bloc.criteres[:jusqu_a]):
        reponse = Reponse(
            critere=critere.id, evaluateur=qui, valeur=valeur, horodatage=T0 + timedelta(minutes=i)
        )
        await store.enregistrer(ev.id, reponse, par=qui)
    if soumettre:
        soumission = Soumission(evaluateur=qui, horodatage=T0 + timedelta(hours=2))
        await store.enregistrer(ev.id, soumission, par=qui)


async def _viser(store: MemoryStore, ev: Evaluation) -> None:
    for qui in ("u-expert", "u-interne"):
        await store.enregistrer(
            ev.id, Visa(evaluateur=qui, horodatage=T0 + timedelta(hours=3)), par=qui
        )


@pytest.fixture
async def service() -> Service:
    """Sophie Bernard (C042): B1 and B2 signed, validé; B3 reconciling; B4 half scored by the
    expert. Sophie Bertrand (C043): nothing started but B1's creation."""
    store = MemoryStore()
    evs = {b: _evaluation("C042", "Sophie Bernard", b) for b in ("B1", "B2", "B3", "B4")}
    for ev in (*evs.values(), _evaluation("C043", "Sophie Bertrand", "B1")):
        await store.creer(ev, par="u-coord")
    for b in ("B1", "B2"):
        await _noter(store, evs[b], "u-expert")
        await _noter(store, evs[b], "u-interne")
        await _viser(store, evs[b])
    await _noter(store, evs["B3"], "u-expert")
    await _noter(store, evs["B3"], "u-interne", CodeValeur.ECA)
    await _noter(store, evs["B4"], "u-expert", jusqu_a=5, soumettre=False)
    return Service(store, REFERENTIEL, Horloge(), coordinateurs=("u-coord",))


async def test_a_coordinateur_sees_the_four_blocs_and_a_partial_validation(
    service: Service,
) -> None:
    lu = await Utilisateur(service, "u-coord").taper("candidat C042")
    assert "Candidat C042 — Sophie Bernard" in lu
    b3 = len(REFERENTIEL.blocs[2].criteres)
    b4 = len(REFERENTIEL.blocs[3].criteres)
    assert "visée par les deux évaluateurs : validé (ev-C042-B1)" in lu
    assert "visée par les deux évaluateurs : validé (ev-C042-B2)" in lu
    assert f"rapprochement : {b3} désaccord(s) à traiter (ev-C042-B3)" in lu
    assert f"notation : Amel Haddad 5/{b4} ; Paul Roche 0/{b4} (ev-C042-B4)" in lu
    assert "blocs proposés validés : B1, B2 ; restent : B3, B4 (le jury décide)" in lu


async def test_the_cqp_is_proposed_once_the_four_blocs_are_validated_and_signed(
    service: Service,
) -> None:
    store = service.store
    assert isinstance(store, MemoryStore)
    ev3, ev4 = (
        _evaluation("C042", "Sophie Bernard", "B3"),
        _evaluation("C042", "Sophie Bernard", "B4"),
    )
    await store.creer(
        ev3.model_copy(update={"id": "ev-C042-B3-2", "horodatage": T0 + timedelta(days=1)}),
        par="u-coord",
    )
    ev3 = ev3.model_copy(update={"id": "ev-C042-B3-2"})
    for ev in (ev3, ev4):
        await _noter(store, ev, "u-expert")
        await _noter(store, ev, "u-interne")
        await _viser(store, ev)
    lu = await Utilisateur(service, "u-coord").taper("candidat C042")
    assert "(ev-C042-B3-2)" in lu and "(ev-C042-B3)" not in lu  # a bloc's latest evaluation
    assert "CQP proposé : les 4 blocs sont proposés validés" in lu
    assert "restent" not in lu


async def test_an_evaluateur_sees_only_their_own_grid_before_both_are_submitted(
    service: Service,
) -> None:
    lu = await Utilisateur(service, "u-interne").taper("candidat C042")
    b4 = len(REFERENTIEL.blocs[3].criteres)
    assert f"notation : vous 0/{b4} (ev-C042-B4)" in lu
    assert "Amel Haddad 5/" not in lu and "5/" not in lu  # the other's progress is theirs
    assert "CQP" not in lu and "Validation partielle" not in lu  # the coordinateurs' reading


async def test_a_name_typed_with_typos_and_no_accents_finds_the_candidate(
    service: Service,
) -> None:
    coordinateur = Utilisateur(service, "u-coord")
    assert "Candidat C042 — Sophie Bernard" in await coordinateur.taper("candidat sofie bernar")
    assert "Candidat C043 — Sophie Bertrand" in await coordinateur.taper("candidat c043")
    lu = await coordinateur.taper("candidat Sophie")
    assert "Plusieurs candidats" in lu and "C042 (Sophie Bernard)" in lu and "C043" in lu


async def test_an_outsider_learns_nothing_not_even_that_the_candidate_exists(
    service: Service,
) -> None:
    intrus = Utilisateur(service, "u-intrus")
    for texte in ("candidat C042", "candidat Sophie Bernard"):
        lu = await intrus.taper(texte)
        assert "Aucun candidat ne correspond" in lu and "Sophie" not in lu.split("«")[0]
    assert "Précisez le candidat" in await intrus.taper("candidat")


async def test_the_coordinateurs_of_a_session_see_its_enrolled_candidates(
    service: Service,
) -> None:
    """Enrolled, not yet evaluated: the session's coordinateurs see the record, the blocs the
    candidate is enrolled for, and nobody else learns of them."""
    session = SessionCertification(
        nom="Session Lyon 2027", coordinateurs=("u-sess",), horodatage=T0
    )
    fiche = FicheCandidat(
        reference="C500", nom="Lambert", prenom="Inès", service="Relation adhérents",
        organisme="IFPM", session=session.nom, blocs=("B1", "B2"), horodatage=T0,
    )  # fmt: skip
    await service.store.inscrire(session, [fiche], par="u-sess")
    lu = await Utilisateur(service, "u-sess").taper("candidat ines lambert")
    assert "Candidat C500 — Inès Lambert" in lu
    assert "Session « Session Lyon 2027 » · Relation adhérents · IFPM" in lu
    assert "non commencé" in lu and "— (non prévu)" in lu
    assert "restent : B1, B2, B3, B4" in lu
    assert "Aucun candidat" in await Utilisateur(service, "u-coord").taper("candidat C500")
