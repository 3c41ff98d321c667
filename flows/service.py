"""The application service: ``handle(event) -> replies``, the one place with effects.

For each event: the person's conversation is loaded; a retry of one of their
recent requests (same request id) gets the replies already given, and nothing
is applied again — so does a double click, and a click made before one already
taken changes nothing (``flows.clics``); otherwise the event is routed to its use
case (:mod:`flows.routes`, a table), which stores its records — each durable
before anything is answered — then the conversation is saved and the replies
returned for the channel to send (:mod:`flows.outbox` remembers whether they went).

Before routing, a justification left waiting is dropped if it expired or if
the person clicked elsewhere (``reconciliation.drop_stale``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta

from flows import catalogue as txt
from flows import clics, retries
from flows.conversation import Conversation
from flows.evaluation import EtatConversation
from flows.messages import (
    ChoiceEvent,
    Event,
    Origin,
    Reply,
    TextEvent,
    say,
)
from flows.outbox import Outbox
from flows.routes import command_typed, named, route
from flows.store import RefusStore, Store
from flows.usecases import (
    Context,
    Locks,
    reconciliation,
)
from referentiel import Referentiel

FLOW = "cqp"
DELAI_JUSTIFICATION = timedelta(minutes=30)
"""How long a proposal waits for its justification, unless ``Service(delai_justification=…)``."""


class Service:
    """Handles channel-neutral events for every channel, over the store port.

    Lock order, to rule out deadlocks: the person's conversation, then one
    evaluation (never two at once), or the creation lock.
    """

    def __init__(
        self,
        store: Store,
        referentiel: Referentiel,
        horloge: Callable[[], datetime],
        admins: Collection[str] = (),
        coordinateurs: Collection[str] = (),
        delai_justification: timedelta = DELAI_JUSTIFICATION,
    ) -> None:
        self.context = Context(
            store=store, referentiel=referentiel, clock=horloge, admins=frozenset(admins),
            coordinateurs=frozenset(coordinateurs), justification_delay=delai_justification,
        )  # fmt: skip
        self.conversations = Locks()
        """One lock per person and channel: their conversation read, stepped, saved in turn."""
        self.outbox = Outbox(store, horloge)
        """What was answered to each request, and whether it went out (``bot.delivery``)."""

    @property
    def store(self) -> Store:
        return self.context.store

    @property
    def referentiel(self) -> Referentiel:
        return self.context.referentiel

    @property
    def evaluations(self) -> Locks:
        return self.context.evaluations

    def turn(self, origine: Origin) -> AbstractAsyncContextManager[None]:
        """One person's turn on one channel: their events are handled one at a time, and
        ``bot.delivery`` sends their replies under the same lock, in the same order."""
        return self.conversations.hold(f"{origine.channel}|{origine.user}")

    async def handle(self, evenement: Event) -> tuple[Reply, ...]:
        """The replies to ``evenement``, after its effects are stored."""
        async with self.turn(evenement.origin):
            return await self._handle(evenement)

    async def _handle(self, evenement: Event) -> tuple[Reply, ...]:
        origine, ctx = evenement.origin, self.context
        try:
            etat = await ctx.store.etat(origine.channel, origine.user)
        except RefusStore as exc:  # a damaged file, set aside: this request is not applied
            return _refused(exc)
        conversation = Conversation.of(etat)
        maintenant = ctx.clock()
        recentes = conversation.recentes_depuis(maintenant - retries.DUREE_MEMOIRE)
        deja = next((r for r in recentes if r.requete == evenement.request_id), None)
        if deja is not None and not deja.rejouer:  # a retry: the same answer, nothing again
            gardees = await self.outbox.kept(origine, deja.alias or deja.requete)
            if gardees is not None or deja.alias is not None:
                return gardees or ()
        premier = None
        if isinstance(evenement, ChoiceEvent):
            if clics.late(conversation.clics, evenement):
                return ()  # made before a click taken since on the same question: nothing
            premier = clics.repeated(conversation.clics, evenement, maintenant)
        if premier is not None:  # a double click: the first one's answer, which goes out once
            replies = await self.outbox.kept(origine, premier) or ()
        else:
            try:
                replies = await self._route(evenement, conversation)
            except RefusStore as exc:
                # Nothing half-applied is acknowledged, and the request id is not recorded:
                # the same request again (a retry, or the person clicking again) tries again.
                return _refused(exc)
            if isinstance(evenement, ChoiceEvent):
                conversation.clics = clics.taken(conversation.clics, evenement, maintenant)
        repliques = retries.remember(
            conversation, recentes, evenement, replies, maintenant, alias=premier
        )
        # The records are stored; if the state cannot be, only the cursor and the memory of
        # replies are lost — the cursor is rebuilt from the records, and the store still knows
        # the request ids it applied — so the replies still go out.
        with contextlib.suppress(RefusStore):
            await ctx.store.sauver_etat(
                EtatConversation(
                    canal=origine.channel, utilisateur=origine.user, flow=FLOW,
                    donnees=conversation.model_dump(mode="json"), horodatage=ctx.clock(),
                ),
                # The records were stored durably above; this state can be rebuilt from
                # them, so it costs no fsync of its own.
                durable=False,
                repliques=repliques,
            )  # fmt: skip
        return replies

    async def _route(self, evenement: Event, conversation: Conversation) -> tuple[Reply, ...]:
        """The event routed. First, what it leaves: a grid whose question waits is no longer
        the one a typed line goes to once the person acts on another evaluation; a
        justification that expired, or was left, is dropped."""
        ailleurs = await self._elsewhere(evenement, conversation)
        if ailleurs:
            conversation.ouvert = False
        ancienne = conversation.justification
        avis = reconciliation.drop_stale(self.context, evenement, conversation, ailleurs)
        if avis and isinstance(evenement, TextEvent) and not command_typed(evenement.text):
            return avis  # the text was for the proposal dropped: it is not taken as anything else
        replies = await route(self.context, evenement, conversation)
        nouvelle = conversation.justification
        if ancienne is not None and nouvelle is not None and ancienne.meme_proposition(nouvelle):
            avis = ()  # the same proposal clicked again: it simply waits again
        return (*avis, *replies)

    async def _elsewhere(self, evenement: Event, conversation: Conversation) -> bool:
        """Whether the event acts on another evaluation than the one the person was in."""
        nommee = named(evenement)
        courante = conversation.actif
        if conversation.justification is not None:
            courante = conversation.justification.evaluation
        if nommee is None or courante is None or nommee == courante:
            return False
        dossier = await self.context.store.dossier(courante) if nommee else None
        return dossier is None or nommee != dossier.evaluation.candidat.reference


def _refused(exc: RefusStore) -> tuple[Reply, ...]:
    """The answer when the store refused: « non enregistré », and why."""
    return (say(txt.CMD_NON_ENREGISTRE.format(raison=txt.erreur_stockage(exc)), refused=True),)
