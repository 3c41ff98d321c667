"""Retries, through the service: an older request sent again gets the same replies and writes
nothing; a creation sent again is recognised by the store even after the state is lost."""

from __future__ import annotations

import base64
import json
import zlib

import pytest
from pydantic import TypeAdapter

from bot.delivery import Delivery
from flows.designation import Commande
from flows.evaluation import EtatConversation, Reponse, Soumission
from flows.messages import ChoiceEvent, Choices, FormEvent, Origin, Reply, TextEvent
from flows.notation import Aller, Noter
from flows.retries import MAX_REQUETES_MEMORISEES
from flows.service import Service
from referentiel import CodeValeur, default
from storage import MemoryStore
from tests.faux_transport import At, FakeTransport
from tests.harnais import Horloge, Utilisateur
from tests.store_outils import T0, evaluation

EV = "ev-C042-1"
CRITERES = [c.id for c in default().blocs[0].criteres]
FORMULAIRE = {
    "candidat_nom": "Jeanne Martin", "candidat_reference": "C042", "bloc": "B1",
    "evaluateur_1": "u-expert", "role_1": "expert_habilite",
    "evaluateur_2": "u-interne", "role_2": "expert_interne",
}  # fmt: skip
COORDINATEUR = Origin(channel="web", conversation="dm-u-coord", user="u-coord")


@pytest.fixture
async def service() -> Service:
    store = MemoryStore()
    await store.creer(evaluation(), par="u-coord")
    return Service(store, default(), Horloge(), coordinateurs=("u-coord",))


async def _nombre_d_ecritures(service: Service) -> int:
    return len(await service.store.historique(EV))


async def test_a_retry_of_an_older_request_gets_the_same_replies_and_writes_nothing(
    service: Service,
) -> None:
    expert = Utilisateur(service, "u-expert")
    await expert.cliquer(Aller(evaluation=EV, action="reprendre").pack())
    await expert.noter(CRITERES[0], CodeValeur.A, requete="clic-1")
    premieres = expert.replies
    for i, critere in enumerate(CRITERES[1:6], start=2):
        await expert.noter(critere, CodeValeur.A, requete=f"clic-{i}")
    ecritures, apres = await _nombre_d_ecritures(service), expert.lu()

    await expert.noter(CRITERES[0], CodeValeur.NA, requete="clic-1")  # a late retry of clic-1
    assert expert.replies == premieres
    assert await _nombre_d_ecritures(service) == ecritures
    # The conversation has not moved back: the next critère is still the one shown before.
    lu = await expert.cliquer(Aller(evaluation=EV, action="reprendre").pack())
    assert f"{CRITERES[6]} —" in lu and f"{CRITERES[6]} —" in apres


async def test_the_memory_of_replies_is_bounded_and_the_store_still_applies_nothing_twice(
    service: Service,
) -> None:
    expert = Utilisateur(service, "u-expert")
    await expert.cliquer(Aller(evaluation=EV, action="reprendre").pack())
    envoyees: dict[str, tuple[Reply, ...]] = {}
    for i in range(MAX_REQUETES_MEMORISEES + 8):
        await expert.noter(CRITERES[i % 25], CodeValeur.A, requete=f"clic-{i}")
        envoyees[f"clic-{i}"] = expert.replies
    etat = await service.store.etat("web", "u-expert")
    assert etat is not None and len(etat.donnees["recentes"]) == MAX_REQUETES_MEMORISEES
    # The state, written on every event, holds ids only; the replies of the requests it
    # forgot are forgotten by the store too.
    assert "reponses" not in json.dumps(etat.donnees)
    for i in range(8):
        assert await service.store.replique("web", "u-expert", f"clic-{i}") is None
    assert await service.store.replique("web", "u-expert", "clic-8") is not None

    ecritures = await _nombre_d_ecritures(service)
    await expert.noter(CRITERES[9], CodeValeur.NA, requete="clic-9")  # still remembered
    assert expert.replies == envoyees["clic-9"]
    await expert.noter(CRITERES[0], CodeValeur.NA, requete="clic-0")  # forgotten by the service
    assert await _nombre_d_ecritures(service) == ecritures  # … not by the store
    dossier = await service.store.dossier(EV)
    assert dossier is not None and {r.valeur for r in dossier.reponses} == {CodeValeur.A}


async def _creer(service: Service, requete: str) -> tuple[Reply, ...]:
    return await service.handle(
        FormEvent(origin=COORDINATEUR, request_id=requete, form="nouvelle", values=FORMULAIRE)
    )


async def test_a_creation_retried_after_another_request_creates_one_evaluation() -> None:
    service = Service(MemoryStore(), default(), Horloge(), coordinateurs=("u-coord",))
    premieres = await _creer(service, "form-1")
    await service.handle(TextEvent(origin=COORDINATEUR, request_id="t-1", text="aide"))
    assert await _creer(service, "form-1") == premieres
    assert [e.id for e in await service.store.evaluations()] == ["ev-C042-B1"]


async def test_a_creation_retried_after_the_state_is_lost_creates_one_evaluation() -> None:
    horloge = Horloge()
    service = Service(MemoryStore(), default(), horloge, coordinateurs=("u-coord",))
    await _creer(service, "form-0")  # an earlier evaluation of the same candidate and bloc
    premieres = await _creer(service, "form-1")
    assert "ev-C042-B1-2" in premieres[0].message.summary
    # The conversation state (and its memory of replies) is lost: written afresh, empty.
    await service.store.sauver_etat(
        EtatConversation(canal="web", utilisateur="u-coord", flow="cqp", horodatage=horloge.t)
    )

    assert await _creer(service, "form-1") == premieres
    assert [e.id for e in await service.store.evaluations()] == ["ev-C042-B1", "ev-C042-B1-2"]
    await _creer(service, "form-2")  # a new request is a new evaluation
    assert len(await service.store.evaluations()) == 3


async def test_an_older_export_retried_is_made_again_and_the_state_does_not_keep_the_file(
    service: Service,
) -> None:
    for u in ("u-expert", "u-interne"):
        for critere in CRITERES:
            await service.store.enregistrer(
                EV,
                Reponse(critere=critere, evaluateur=u, valeur=CodeValeur.A, horodatage=T0),
                par=u,
            )
        await service.store.enregistrer(EV, Soumission(evaluateur=u, horodatage=T0), par=u)
    coordinateur = Utilisateur(service, "u-coord")
    await coordinateur.taper(f"export {EV}", requete="exp-1")
    fichier = coordinateur.replies[0].fichier
    assert fichier is not None and "B1.C1.1" in fichier.contenu
    await coordinateur.taper("aide", requete="aide-1")

    etat = await service.store.etat("web", "u-coord")
    assert etat is not None and fichier.contenu not in json.dumps(etat.donnees)
    assert await service.store.replique("web", "u-coord", "exp-1") is None
    await coordinateur.taper(f"export {EV}", requete="exp-1")
    assert coordinateur.replies[0].fichier == fichier


async def test_a_memory_entry_that_cannot_be_read_is_run_again_not_crashed(
    service: Service,
) -> None:
    expert = Utilisateur(service, "u-expert")
    await expert.taper("aide", requete="t-1")
    etat = await service.store.etat("web", "u-expert")
    assert etat is not None
    await service.store.sauver_etat(etat, repliques={"t-1": "pas du base64 !"})
    assert "mes-evaluations" in await expert.taper("aide", requete="t-1")


async def test_replies_packed_by_an_earlier_version_still_answer_a_retry(
    service: Service,
) -> None:
    expert = Utilisateur(service, "u-expert")
    await expert.taper("aide", requete="t-1")
    premieres = expert.replies
    etat = await service.store.etat("web", "u-expert")
    assert etat is not None
    # As earlier versions packed them: the bare replies, without where they answer.
    brut = TypeAdapter(tuple[Reply, ...]).dump_json(premieres)
    ancienne = base64.b64encode(zlib.compress(brut)).decode("ascii")
    await service.store.sauver_etat(etat, repliques={"t-1": ancienne})

    await expert.taper("statut", requete="t-1")  # a retry of t-1: its replies, not statut's
    assert expert.replies == premieres


async def test_two_evaluateurs_whose_channels_reuse_a_request_id_both_have_their_answer(
    service: Service,
) -> None:
    """Request ids are unique per channel and person, not across the two évaluateurs."""
    expert, interne = Utilisateur(service, "u-expert"), Utilisateur(service, "u-interne")
    for u in (expert, interne):
        await u.cliquer(Aller(evaluation=EV, action="reprendre").pack(), requete="r-1")
        await u.noter(CRITERES[0], CodeValeur.A, requete="r-2")
    dossier = await service.store.dossier(EV)
    assert dossier is not None
    assert sorted(r.evaluateur for r in dossier.reponses) == ["u-expert", "u-interne"]


async def _clic(
    service: Service, requete: str, valeur: CodeValeur, fait: float | None = None
) -> tuple[Reply, ...]:
    expert = Origin(channel="web", conversation="dm-u-expert", user="u-expert")
    return await service.handle(
        ChoiceEvent(
            origin=expert, request_id=requete, message="carte-1", clicked_at=fait,
            payload=Noter(evaluation=EV, critere=CRITERES[0], valeur=valeur).pack(),
        )
    )  # fmt: skip


async def _valeurs(service: Service) -> list[str]:
    dossier = await service.store.dossier(EV)
    assert dossier is not None
    return [r.valeur.value for r in dossier.reponses if r.critere == CRITERES[0]]


async def test_a_double_click_is_one_request_and_a_change_of_mind_is_not(
    service: Service,
) -> None:
    """Every channel alike: the same button of the same card twice within seconds is the
    first click (its answer, sent once); A, then NO, then A again are three."""
    await Utilisateur(service, "u-expert").cliquer(Aller(evaluation=EV, action="reprendre").pack())
    premier = await _clic(service, "clic-1", CodeValeur.A)
    expert = Origin(channel="web", conversation="dm-u-expert", user="u-expert")
    await service.outbox.sent(expert, "clic-1")
    assert await _clic(service, "clic-2", CodeValeur.A) == premier  # the same answer…
    assert await service.outbox.answered(expert, "clic-2")  # …which went out already
    assert len(await service.store.historique(EV)) == 2  # created, one answer
    await _clic(service, "clic-3", CodeValeur.NO)
    await _clic(service, "clic-4", CodeValeur.A)
    assert len(await service.store.historique(EV)) == 4
    assert not await service.outbox.answered(expert, "clic-4")


async def test_a_click_made_before_one_already_taken_changes_nothing(service: Service) -> None:
    """Two clicks in flight arrive in the wrong order: the last one made is kept."""
    await Utilisateur(service, "u-expert").cliquer(Aller(evaluation=EV, action="reprendre").pack())
    await _clic(service, "clic-non", CodeValeur.NO, fait=1700000000.5)
    assert await _clic(service, "clic-a", CodeValeur.A, fait=1700000000.1) == ()
    assert await _valeurs(service) == ["NO"]
    await _clic(service, "clic-eca", CodeValeur.ECA, fait=1700000001.0)  # made later: taken
    assert await _valeurs(service) == ["ECA"]


def _bouton(replies: tuple[Reply, ...], libelle: str) -> str:
    return next(
        b.payload
        for r in replies
        for bloc in r.message.blocks
        if isinstance(bloc, Choices)
        for b in bloc.buttons
        if b.label == libelle
    )


async def test_passer_on_the_next_card_is_another_click_not_a_double_one(
    service: Service,
) -> None:
    """The card is updated in place under the same message: « Passer » shown for the next
    critère names it, so two « Passer » in a row skip two critères."""
    expert = Origin(channel="web", conversation="dm-u-expert", user="u-expert")

    async def cliquer(requete: str, payload: str) -> tuple[Reply, ...]:
        return await service.handle(
            ChoiceEvent(origin=expert, request_id=requete, payload=payload, message="carte-1")
        )

    carte = await cliquer("nav-0", Aller(evaluation=EV, action="reprendre").pack())
    carte = await cliquer("nav-1", _bouton(carte, "Passer"))
    assert any(f"{CRITERES[1]} —" in r.message.summary for r in carte)
    carte = await cliquer("nav-2", _bouton(carte, "Passer"))
    assert any(f"{CRITERES[2]} —" in r.message.summary for r in carte)


async def test_a_double_click_on_an_export_button_sends_the_file_once(service: Service) -> None:
    """A file is the answer of the first click: the second, the same request, sends nothing."""
    for qui in ("u-expert", "u-interne"):  # the export is for grids both submitted
        for critere in CRITERES:
            note = Reponse(critere=critere, evaluateur=qui, valeur=CodeValeur.A, horodatage=T0)
            await service.store.enregistrer(EV, note, par=qui)
        await service.store.enregistrer(EV, Soumission(evaluateur=qui, horodatage=T0), par=qui)
    transport = FakeTransport()
    livraison: Delivery[At] = Delivery(transport, service, frozenset())
    coordinateur = Origin(channel="web", conversation="dm-u-coord", user="u-coord")
    export = Commande(nom="export", evaluation=EV).pack()
    for requete in ("exp-clic-1", "exp-clic-2"):
        replies = await service.handle(
            ChoiceEvent(origin=coordinateur, request_id=requete, payload=export, message="liste")
        )
        await livraison.deliver(coordinateur, replies, At(), requete)
    assert [e[0] for e in transport.envois] == ["upload"]
