"""Where replies go, once for every channel: bot.delivery against a fake transport.

Each channel's own tests (tests/slack, tests/teams, tests/web) run one real scenario
through its transport; the routing rules themselves are checked here, once.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.delivery import Delivery
from flows.messages import Destination, Fichier, Origin, Reply, TextEvent, say
from flows.service import Service
from referentiel import default
from storage import MemoryStore
from tests.faux_transport import At, FakeTransport
from tests.harnais import Horloge

MOI = Origin(channel="faux", conversation="dm-karim", user="karim")
COORDINATEURS = frozenset({"claire", "admin"})


def _delivery(transport: FakeTransport, service: Service | None = None) -> Delivery[At]:
    """Delivery over the real service (its turns, its memory of what went out, in a store)."""
    service = service or Service(MemoryStore(), default(), Horloge())
    return Delivery(transport, service, COORDINATEURS)


async def _handled(service: Service, origine: Origin, requete: str) -> tuple[Reply, ...]:
    return await service.handle(TextEvent(origin=origine, request_id=requete, text="aide"))


def _resultat(cible: str, responsables: tuple[str, ...] = ()) -> Reply:
    destination = Destination(kind="results", target=cible, responsables=responsables)
    return say("Résultat proposé — candidat C042, bloc B1", to=destination)


async def test_an_answer_goes_back_where_the_person_acted_updated_in_place_when_asked() -> None:
    transport = FakeTransport()
    marque = say("B1.C1.1 — A ✓", to=Destination(replace=True))
    suivante = say("B1.C1.2 — Accueillir le client")
    await _delivery(transport).deliver(MOI, (marque, suivante), At())
    assert transport.envois == [
        ("answer", "ici", "B1.C1.1 — A ✓", "replace"),
        ("answer", "ici", "B1.C1.2 — Accueillir le client", "new"),
    ]


async def test_a_reply_for_someone_else_reaches_them_privately_in_the_discussion_thread() -> None:
    transport = FakeTransport()
    proposition = say("Karim propose A pour B1.C2.4", to=Destination(kind="user", user="lea"))
    dans_le_fil = proposition.model_copy(update={"fil": "ev-c042-b1.b1.c2.4"})
    pour_moi = say("Votre grille est soumise.", to=Destination(kind="user", user="karim"))
    await _delivery(transport).deliver(MOI, (proposition, dans_le_fil, pour_moi), At())
    assert transport.envois == [
        ("direct", "lea", "Karim propose A pour B1.C2.4", "-"),
        ("direct", "lea", "Karim propose A pour B1.C2.4", "ev-c042-b1.b1.c2.4"),
        # Addressed to the person who acted: answered where they are.
        ("answer", "ici", "Votre grille est soumise.", "new"),
    ]


async def test_a_result_is_posted_only_where_it_stays_private() -> None:
    transport = FakeTransport()
    await _delivery(transport).deliver(MOI, (_resultat("C-RESULTATS"),), At())
    assert transport.envois == [
        ("post", "C-RESULTATS", "Résultat proposé — candidat C042, bloc B1")
    ]


@pytest.mark.parametrize(
    ("cible", "raison"),
    [("C-GENERAL", "ce canal n'est pas privé"), ("C-DISPARU", "le bot ne connaît pas")],
)
async def test_a_result_that_cannot_be_posted_privately_is_kept_and_the_coordinateurs_told(
    cible: str, raison: str
) -> None:
    transport = FakeTransport()
    await _delivery(transport).deliver(MOI, (_resultat(cible),), At())
    assert [e[0] for e in transport.envois] == ["direct", "direct"]  # nothing posted
    assert sorted(e[1] for e in transport.envois) == ["admin", "claire"]  # the channel's
    for _, _, avis, _ in transport.envois:
        assert raison in avis and cible in avis
    if cible == "C-GENERAL":
        assert "FAUX_RESULTS_CHANNEL" in transport.envois[0][2]  # where to choose another


async def test_the_evaluations_own_coordinateurs_are_told_rather_than_the_channels() -> None:
    transport = FakeTransport()
    await _delivery(transport).deliver(MOI, (_resultat("C-GENERAL", ("sophie",)),), At())
    assert [(e[0], e[1]) for e in transport.envois] == [("direct", "sophie")]


async def test_a_file_goes_to_its_owner_privately() -> None:
    transport = FakeTransport()
    fichier = Fichier(nom="cqp-C042.json", contenu="{}")
    a_moi = Reply(message=say("Export prêt.").message, fichier=fichier)
    a_claire = Reply(
        message=say("Export prêt.").message, fichier=fichier,
        to=Destination(kind="user", user="claire"),
    )  # fmt: skip
    await _delivery(transport).deliver(MOI, (a_moi, a_claire), At())
    assert transport.envois == [
        ("upload", "karim", "cqp-C042.json", "Export prêt."),
        ("upload", "claire", "cqp-C042.json", "Export prêt."),
    ]


async def test_one_persons_replies_go_out_in_the_order_of_their_events() -> None:
    transport = FakeTransport(lent=0.02)
    livraison = _delivery(transport)
    premiere = asyncio.create_task(
        livraison.deliver(MOI, (say("réponse 1a"), say("réponse 1b")), At())
    )
    await asyncio.sleep(0)  # the first one is under way, waiting on the slow channel
    await livraison.deliver(MOI, (say("réponse 2"),), At())
    await premiere
    assert [e[2] for e in transport.envois] == ["réponse 1a", "réponse 1b", "réponse 2"]


async def test_a_send_that_fails_does_not_stop_the_next_replies() -> None:
    transport = FakeTransport(en_panne={"post"})
    question = say("B1.C1.2 — Accueillir le client")
    await _delivery(transport).deliver(MOI, (_resultat("C-RESULTATS"), question), At())
    assert transport.envois == [("answer", "ici", "B1.C1.2 — Accueillir le client", "new")]


async def test_a_request_is_answered_once_unless_the_store_refused_it() -> None:
    transport, service = FakeTransport(), Service(MemoryStore(), default(), Horloge())
    livraison = _delivery(transport, service)
    aide = await _handled(service, MOI, "req-1")
    assert await livraison.deliver(MOI, aide, At(), "req-1")
    # A retry of the channel, or a double click given the same request id: not again.
    assert not await livraison.deliver(MOI, await _handled(service, MOI, "req-1"), At(), "req-1")
    assert await livraison.delivered(MOI, "req-1")
    assert len(transport.envois) == len(aide)
    # Refused by the store: the same request tried again is applied, and answered.
    refus = say("Non enregistré : le disque est plein.", refused=True)
    await livraison.deliver(MOI, (refus,), At(), "req-2")
    assert not await livraison.delivered(MOI, "req-2")
    assert await livraison.deliver(MOI, await _handled(service, MOI, "req-2"), At(), "req-2")
    assert len(transport.envois) == 2 * len(aide) + 1


async def test_the_same_request_id_from_two_people_is_two_requests() -> None:
    transport, service = FakeTransport(), Service(MemoryStore(), default(), Horloge())
    livraison = _delivery(transport, service)
    lea = Origin(channel="faux", conversation="dm-lea", user="lea")
    await livraison.deliver(MOI, await _handled(service, MOI, "m5"), At(), "m5")
    assert await livraison.deliver(lea, await _handled(service, lea, "m5"), At(), "m5")
    assert len(transport.envois) == 2 * len(await _handled(service, lea, "m6"))


async def test_replies_a_crash_kept_from_going_out_go_out_once_at_start_up() -> None:
    """Stored with the request, noted once sent: what was not sent is sent by resume, where it
    answers (the clicked card), and only once; a request older than PENDING_FOR is let be."""
    store, horloge = MemoryStore(), Horloge()
    service = Service(store, default(), horloge)
    clic = TextEvent(origin=MOI, request_id="r-1", text="aide", message="carte-7")
    aide = await service.handle(clic)  # stored; the process dies before sending
    redemarre = Service(store, default(), horloge)
    transport = FakeTransport()
    livraison = _delivery(transport, redemarre)
    ou: list[str | None] = []

    def at(pending: object) -> At:
        ou.append(getattr(pending, "message", None))
        return At("reprise")

    assert await livraison.resume("faux", at) == 1
    assert ou == ["carte-7"] and len(transport.envois) == len(aide)
    assert {e[1] for e in transport.envois} == {"reprise"}
    assert await livraison.resume("faux", at) == 0  # sent: not again
    await service.handle(TextEvent(origin=MOI, request_id="r-2", text="aide"))
    horloge.t += timedelta(minutes=16)
    assert await livraison.resume("faux", at) == 0  # too old to make sense any more
