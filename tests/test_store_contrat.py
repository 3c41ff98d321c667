"""The store's contract, run on every backend: in memory (for the flows' tests) and TinyDB on disk.

A behaviour that differs between the two would make the flows' tests lie;
so each rule is asserted once here, for both.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from flows.evaluation import Adresse, EtatConversation, Precisions
from flows.inscription import FicheCandidat, SessionCertification
from flows.resume import resumer
from flows.store import Ecriture
from referentiel import CodeValeur, default
from storage import MemoryStore, TinyDBStore, open_store
from storage import store as module_store
from storage.database import items
from storage.errors import (
    EvaluationExists,
    InvalidValue,
    ReferenceChanged,
    UnknownEvaluation,
)
from tests.store_outils import T0, evaluation, reponse


class Clock:
    """A clock the test moves by hand (request ids expire after 24 hours)."""

    def __init__(self) -> None:
        self.utc_now = T0 + timedelta(hours=1)

    def __call__(self) -> datetime:
        return self.utc_now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["memoire", "tinydb"])
async def store(
    request: pytest.FixtureRequest, tmp_path: Path, clock: Clock
) -> AsyncIterator[TinyDBStore]:
    if request.param == "memoire":
        s: TinyDBStore = MemoryStore(clock)
    else:
        s = await open_store(tmp_path / "donnees", clock=clock)
    yield s
    await s.fermer()


async def test_an_acknowledged_answer_is_read_back(store: TinyDBStore) -> None:
    await store.creer(evaluation(), par="u-coord")
    assert await store.enregistrer("ev-C042-1", reponse(0), par="u-expert") is Ecriture.APPLIQUEE
    dossier = await store.dossier("ev-C042-1")
    assert dossier is not None
    assert dossier.reponses == (reponse(0),)


async def test_the_dossier_read_after_each_write_is_the_one_rebuilt_from_the_tables(
    store: TinyDBStore,
) -> None:
    """The dossier kept between reads is forgotten at each write: never stale."""
    await store.creer(evaluation(), par="u-coord")
    hasard = random.Random(6)
    for k in range(60):
        assert await store.dossier("ev-C042-1") is not None  # memoised, then written to
        element = (
            reponse(
                hasard.randrange(12), evaluateur=hasard.choice(["u-expert", "u-interne"]),
                valeur=hasard.choice(list(CodeValeur)), secondes=hasard.choice([k, 0]),
            )
            if k % 5
            else Precisions(competence=f"B1.C{k % 3 + 1}", evaluateur="u-expert",
                            texte=f"Remarque {k}.", horodatage=T0 + timedelta(seconds=k))
        )  # fmt: skip
        await store.enregistrer("ev-C042-1", element, par="u-expert")
        if k == 30:
            await store.modifier(evaluation().model_copy(update={"horodatage": T0 + timedelta(1)}),
                                 par="u-coord")  # fmt: skip
        lu = await store.dossier("ev-C042-1")
        database = store.evaluation_database("ev-C042-1")
        assert database is not None and lu is not None
        database.memo.clear()
        assert lu == await store.dossier("ev-C042-1"), k
        # …and so is the summary a session's dashboard reads instead of the dossier.
        assert (await store.resumes())["ev-C042-1"] == resumer(lu, default().blocs[0]), k


async def test_the_same_answer_twice_is_stored_and_audited_once(store: TinyDBStore) -> None:
    await store.creer(evaluation(), par="u-coord")
    await store.enregistrer("ev-C042-1", reponse(0), par="u-expert")
    assert await store.enregistrer("ev-C042-1", reponse(0), par="u-expert") is Ecriture.INCHANGEE
    quoi = [e.quoi for e in await store.historique("ev-C042-1")]
    assert quoi == ["evaluation", "reponses"]


async def test_an_older_click_never_overwrites_a_newer_one(store: TinyDBStore) -> None:
    await store.creer(evaluation(), par="u-coord")
    await store.enregistrer(
        "ev-C042-1", reponse(0, valeur=CodeValeur.NA, secondes=10), par="u-expert"
    )
    tardif = reponse(0, valeur=CodeValeur.A, secondes=5)
    assert await store.enregistrer("ev-C042-1", tardif, par="u-expert") is Ecriture.PERIMEE
    dossier = await store.dossier("ev-C042-1")
    assert dossier is not None and dossier.reponses[0].valeur is CodeValeur.NA


async def test_a_retried_request_is_applied_once(store: TinyDBStore) -> None:
    await store.creer(evaluation(), par="u-coord")
    premier = reponse(0, valeur=CodeValeur.ECA, secondes=1)
    assert (
        await store.enregistrer("ev-C042-1", premier, par="u-expert", requete="slack-1")
        is Ecriture.APPLIQUEE
    )
    rejoue = reponse(0, valeur=CodeValeur.NA, secondes=2)
    assert (
        await store.enregistrer("ev-C042-1", rejoue, par="u-expert", requete="slack-1")
        is Ecriture.DEJA_TRAITEE
    )
    dossier = await store.dossier("ev-C042-1")
    assert dossier is not None and dossier.reponses[0].valeur is CodeValeur.ECA
    assert len(await store.historique("ev-C042-1")) == 2


async def test_a_request_id_is_forgotten_after_a_day(store: TinyDBStore, clock: Clock) -> None:
    await store.creer(evaluation(), par="u-coord")
    await store.enregistrer("ev-C042-1", reponse(0, secondes=1), par="u-expert", requete="r-1")
    clock.utc_now += timedelta(hours=25)
    suivant = reponse(0, valeur=CodeValeur.NA, secondes=2)
    assert (
        await store.enregistrer("ev-C042-1", suivant, par="u-expert", requete="r-1")
        is Ecriture.APPLIQUEE
    )


async def test_the_store_says_which_request_ids_it_applied_to_an_evaluation(
    store: TinyDBStore, clock: Clock
) -> None:
    await store.creer(evaluation(), par="u-coord", requete="form-1")
    await store.enregistrer("ev-C042-1", reponse(0), par="u-expert", requete="clic-1")
    assert await store.requete_traitee("ev-C042-1", "form-1")
    assert await store.requete_traitee("ev-C042-1", "clic-1")
    assert not await store.requete_traitee("ev-C042-1", "clic-2")
    assert not await store.requete_traitee("ev-inconnue", "form-1")
    clock.utc_now += timedelta(hours=25)
    assert not await store.requete_traitee("ev-C042-1", "form-1")


async def test_an_evaluation_id_cannot_be_taken_twice(store: TinyDBStore) -> None:
    assert await store.creer(evaluation(), par="u-coord") is Ecriture.APPLIQUEE
    assert await store.creer(evaluation(), par="u-coord") is Ecriture.INCHANGEE
    autre = evaluation().model_copy(update={"bloc": "B2"})
    with pytest.raises(EvaluationExists):
        await store.creer(autre, par="u-coord")


async def test_an_evaluation_id_cannot_move_to_another_candidate(store: TinyDBStore) -> None:
    await store.creer(evaluation(), par="u-coord")
    autre_candidat = evaluation(1, reference="C777").candidat
    with pytest.raises(EvaluationExists):
        await store.creer(
            evaluation().model_copy(update={"candidat": autre_candidat}), par="u-coord"
        )
    with pytest.raises(ReferenceChanged):
        await store.modifier(
            evaluation().model_copy(update={"candidat": autre_candidat}), par="u-coord"
        )
    assert [e.candidat.reference for e in await store.evaluations()] == ["C042"]


async def test_writing_to_an_unknown_evaluation_is_refused(store: TinyDBStore) -> None:
    with pytest.raises(UnknownEvaluation):
        await store.enregistrer("ev-nulle-part", reponse(0), par="u-expert")
    assert await store.dossier("ev-nulle-part") is None


async def test_the_audit_trail_says_who_when_what_old_new_and_why(
    store: TinyDBStore, clock: Clock
) -> None:
    await store.creer(evaluation(), par="u-coord")
    await store.enregistrer(
        "ev-C042-1", reponse(3, valeur=CodeValeur.ECA, secondes=1), par="u-expert"
    )
    clock.utc_now += timedelta(minutes=5)
    await store.enregistrer(
        "ev-C042-1",
        reponse(3, valeur=CodeValeur.A, secondes=2),
        par="u-expert",
        pourquoi="relu la grille",
    )
    dernier = (await store.historique("ev-C042-1"))[-1]
    assert (dernier.qui, dernier.quand, dernier.quoi) == (
        "u-expert",
        clock.utc_now,
        "reponses",
    )
    assert dernier.cle == "B1.C1.4|u-expert"
    assert dernier.ancien is not None and dernier.ancien["valeur"] == "ECA"
    assert dernier.nouveau is not None and dernier.nouveau["valeur"] == "A"
    assert dernier.pourquoi == "relu la grille"


async def test_every_kind_of_record_has_its_own_key(store: TinyDBStore) -> None:
    await store.creer(evaluation(), par="u-coord")
    await store.enregistrer("ev-C042-1", reponse(0, evaluateur="u-expert"), par="u-expert")
    await store.enregistrer("ev-C042-1", reponse(0, evaluateur="u-interne"), par="u-interne")
    precisions = Precisions(
        competence="B1.C1", evaluateur="u-expert", texte="Bonne posture.", horodatage=T0
    )
    await store.enregistrer("ev-C042-1", precisions, par="u-expert")
    dossier = await store.dossier("ev-C042-1")
    assert dossier is not None
    assert len(dossier.reponses) == 2 and dossier.precisions == (precisions,)


async def test_long_and_unusual_text_is_kept_exactly(store: TinyDBStore) -> None:
    await store.creer(evaluation(), par="u-coord")
    texte = ("Très bien 👍 — مرحبا « guillemets » \u202eRTL\u202c " * 200)[:10_000]
    await store.enregistrer("ev-C042-1", reponse(0, commentaire=texte), par="u-expert")
    dossier = await store.dossier("ev-C042-1")
    assert dossier is not None and dossier.reponses[0].commentaire == texte.strip()
    with pytest.raises(ValidationError):
        reponse(0, commentaire="x" * 10_001)


async def test_a_value_that_is_not_json_is_refused_and_nothing_changes(
    store: TinyDBStore,
) -> None:
    etat = EtatConversation(
        canal="web", utilisateur="u-expert", flow="notation", donnees={"i": 1}, horodatage=T0
    )
    await store.sauver_etat(etat)
    nan = etat.model_copy(
        update={"donnees": {"i": float("nan")}, "horodatage": T0 + timedelta(seconds=1)}
    )
    with pytest.raises(InvalidValue):
        await store.sauver_etat(nan)
    assert await store.etat("web", "u-expert") == etat


async def test_conversation_state_is_kept_per_user_and_channel(store: TinyDBStore) -> None:
    web = EtatConversation(
        canal="web", utilisateur="u-expert", flow="notation", donnees={"i": 4}, horodatage=T0
    )
    slack = web.model_copy(update={"canal": "slack", "donnees": {"i": 9}})
    await store.sauver_etat(web)
    await store.sauver_etat(slack)
    assert await store.etat("web", "u-expert") == web
    assert await store.etat("slack", "u-expert") == slack
    assert await store.etat("teams", "u-expert") is None
    vieux = web.model_copy(update={"donnees": {"i": 1}, "horodatage": T0 - timedelta(minutes=1)})
    assert await store.sauver_etat(vieux) is Ecriture.PERIMEE


async def test_replies_kept_with_a_state_are_unsent_until_noted_then_sent(
    store: TinyDBStore,
) -> None:
    """What a crash kept from going out is found again, per channel; noted as sent, it is not."""
    for canal, utilisateur in (("slack", "U1"), ("slack", "U2"), ("web", "U1")):
        etat = EtatConversation(
            canal=canal, utilisateur=utilisateur, flow="cqp", donnees={}, horodatage=T0
        )
        await store.sauver_etat(etat, repliques={f"r-{utilisateur}": f"REPONSES-{utilisateur}"})
    assert not await store.livree("slack", "U1", "r-U1")
    assert sorted(await store.a_livrer("slack", T0 - timedelta(hours=1))) == [
        ("U1", "r-U1", "REPONSES-U1"), ("U2", "r-U2", "REPONSES-U2"),
    ]  # fmt: skip
    await store.marquer_livree("slack", "U1", "r-U1")
    assert await store.livree("slack", "U1", "r-U1")
    assert await store.replique("slack", "U1", "r-U1") == "REPONSES-U1"  # still for a retry
    assert await store.a_livrer("slack", T0 - timedelta(hours=1)) == [("U2", "r-U2", "REPONSES-U2")]
    assert not await store.livree("slack", "U1", "r-inconnue")


async def test_a_channel_address_is_kept_per_channel_and_replaced_by_a_newer_one(
    store: TinyDBStore,
) -> None:
    karim = Adresse(
        canal="teams", cle="aad-karim", donnees={"serviceUrl": "https://smba.example/emea/"},
        horodatage=T0,
    )  # fmt: skip
    assert await store.sauver_adresse(karim) is Ecriture.APPLIQUEE
    plus_tard = karim.model_copy(update={"horodatage": T0 + timedelta(hours=1)})
    assert await store.sauver_adresse(plus_tard) is Ecriture.INCHANGEE  # same address: no write
    ailleurs = karim.model_copy(update={"donnees": {"serviceUrl": "https://smba.example/amer/"}})
    assert await store.sauver_adresse(ailleurs) is Ecriture.APPLIQUEE
    assert await store.adresse("teams", "aad-karim") == ailleurs
    assert await store.adresse("slack", "aad-karim") is None
    assert [a.cle for a in await store.adresses("teams")] == ["aad-karim"]
    assert await store.adresses("slack") == []


async def test_a_candidate_is_exported_whole_and_the_export_is_audited(
    store: TinyDBStore,
) -> None:
    await store.creer(evaluation(1), par="u-coord")
    await store.creer(evaluation(2), par="u-coord")
    await store.creer(evaluation(1, reference="C777", nom="Autre Candidat"), par="u-coord")
    await store.enregistrer("ev-C042-2", reponse(5, commentaire="à revoir"), par="u-expert")
    export = await store.exporter_candidat("C042", par="u-coord")
    assert [d.evaluation.id for d in export.dossiers] == ["ev-C042-1", "ev-C042-2"]
    assert export.dossiers[1].reponses[0].commentaire == "à revoir"
    assert {e.evaluation for e in export.historique} == {"ev-C042-1", "ev-C042-2"}
    assert "Autre Candidat" not in str(export.en_json())
    audit = await store.historique_systeme()
    assert (audit[-1].quoi, audit[-1].qui, audit[-1].cle) == ("export_candidat", "u-coord", "C042")


async def test_a_purge_erases_the_candidate_and_keeps_only_the_fact(store: TinyDBStore) -> None:
    await store.creer(evaluation(1), par="u-coord")
    await store.creer(evaluation(1, reference="C777", nom="Autre Candidat"), par="u-coord")
    await store.enregistrer(
        "ev-C042-1", reponse(0, commentaire="remarque personnelle"), par="u-expert"
    )
    assert await store.purger_candidat("C042", par="u-admin", pourquoi="demande RGPD") == 1
    assert await store.dossier("ev-C042-1") is None
    assert [e.id for e in await store.evaluations()] == ["ev-C777-1"]
    assert await store.dossier("ev-C777-1") is not None
    audit = await store.historique_systeme()
    assert (audit[-1].quoi, audit[-1].cle, audit[-1].pourquoi) == (
        "purge_candidat",
        "C042",
        "demande RGPD",
    )
    assert "Jeanne Martin" not in str([e.model_dump() for e in audit])
    assert "remarque personnelle" not in str([e.model_dump() for e in audit])


async def test_two_hundred_concurrent_handlers_lose_no_update(store: TinyDBStore) -> None:
    """Writers to one evaluation and to several, awaiting at random: every write survives."""
    for n in range(1, 6):
        await store.creer(evaluation(n), par="u-coord")
    rng = random.Random(7)

    async def gestionnaire(i: int) -> None:
        await asyncio.sleep(rng.random() / 200)
        evaluation_id = "ev-C042-1" if i % 2 else f"ev-C042-{1 + i % 5}"
        evaluateur = ("u-expert", "u-interne")[i % 2]
        await store.enregistrer(
            evaluation_id,
            reponse(i // 2, evaluateur=evaluateur, secondes=i),
            par=evaluateur,
            requete=f"req-{i}",
        )
        await asyncio.sleep(rng.random() / 200)

    await asyncio.gather(*(gestionnaire(i) for i in range(200)))
    ecrites = {
        (
            ("ev-C042-1" if i % 2 else f"ev-C042-{1 + i % 5}"),
            reponse(i // 2).critere,
            ("u-expert", "u-interne")[i % 2],
        )
        for i in range(200)
    }
    stockees = set()
    for n in range(1, 6):
        dossier = await store.dossier(f"ev-C042-{n}")
        assert dossier is not None
        stockees |= {(dossier.evaluation.id, r.critere, r.evaluateur) for r in dossier.reponses}
    assert stockees == ecrites


async def test_expired_request_ids_are_swept_so_the_table_stays_bounded(
    store: TinyDBStore, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module_store, "MAX_REQUEST_IDS", 4)
    await store.creer(evaluation(), par="u-coord")
    for i in range(3):
        await store.enregistrer(
            "ev-C042-1", reponse(i, secondes=i), par="u-expert", requete=f"vieux-{i}"
        )
    clock.utc_now += timedelta(hours=25)
    for i in range(3, 9):
        await store.enregistrer(
            "ev-C042-1", reponse(i, secondes=i), par="u-expert", requete=f"neuf-{i}"
        )
    database = store.evaluation_database("ev-C042-1")
    assert database is not None
    restants = {cle for cle, _ in items(database.table("requetes"))}
    assert not any(cle.startswith("vieux-") for cle in restants)
    assert {f"neuf-{i}" for i in range(3, 9)} <= restants


async def test_a_session_and_its_candidates_are_kept_and_a_purge_forgets_them(
    store: TinyDBStore,
) -> None:
    session = SessionCertification(nom="Session Lyon 2027", horodatage=T0)
    tous = ("B1", "B2", "B3", "B4")
    fiches = [
        FicheCandidat(reference=r, nom=n, session=session.nom, blocs=tous, horodatage=T0)
        for r, n in (("C101", "Bernard"), ("C102", "Bertrand"))
    ]
    assert await store.inscrire(session, fiches, par="u-coord") == 2
    assert await store.inscrire(session, fiches, par="u-coord") == 0  # the same: not again
    assert [f.reference for f in await store.fiches()] == ["C101", "C102"]
    assert [s.nom for s in await store.sessions()] == ["Session Lyon 2027"]
    assert await store.purger_candidat("C101", par="u-coord", pourquoi="RGPD") == 0
    assert [f.reference for f in await store.fiches()] == ["C102"]
    lignes = [e.quoi for e in await store.historique_systeme()]
    assert lignes.count("inscription") == 2 and "purge_candidat" in lignes
