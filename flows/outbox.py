"""What each person was answered, and whether it went out: the memory delivery reads and
notes, in the store, for every channel (``bot.delivery``).

The replies of a person's recent requests are kept with their conversation
(``flows.retries``), each with a mark once sent: a retry, or a double click
(``flows.clics``), of a request answered is not answered again, and replies a crash
kept from going out are found again at start-up (:meth:`Outbox.pending`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flows import retries
from flows.conversation import Conversation
from flows.messages import Origin, Reply
from flows.store import RefusStore, Store

PENDING_FOR = timedelta(minutes=15)
"""Replies left unsent by a crash are sent at start-up if they are this recent; older ones
would answer what the person no longer has in mind (their next action shows where they are)."""


@dataclass(frozen=True)
class Pending:
    """Replies a crash kept from going out, and where they answer."""

    origin: Origin
    request_id: str
    message: str | None
    replies: tuple[Reply, ...]


class Outbox:
    """The replies kept for each person's requests, read and noted as sent."""

    def __init__(self, store: Store, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.clock = clock

    async def answered(self, origine: Origin, requete: str) -> bool:
        """Whether the replies to this request of this person went out: a channel's retry,
        or a double click, is answered once."""
        original = await self.original(origine, requete)
        return await self.store.livree(origine.channel, origine.user, original)

    async def seen(self, origine: Origin, requete: str) -> bool:
        """Whether this request of this person was handled (its replies are kept)."""
        replique = await self.store.replique(origine.channel, origine.user, requete)
        return replique is not None

    async def sent(self, origine: Origin, requete: str) -> None:
        """Note that the replies to this request went out (under the person's turn)."""
        original = await self.original(origine, requete)
        with contextlib.suppress(RefusStore):  # unnoted, they go out once more after a crash
            await self.store.marquer_livree(origine.channel, origine.user, original)

    async def kept(self, origine: Origin, requete: str) -> tuple[Reply, ...] | None:
        """The replies kept for a request, if they still are."""
        packed = await self.store.replique(origine.channel, origine.user, requete)
        envoi = None if packed is None else retries.unpack(packed)
        return None if envoi is None else envoi.replies

    async def original(self, origine: Origin, requete: str) -> str:
        """The request a double click repeats (``flows.clics``); the request itself otherwise."""
        if await self.seen(origine, requete):
            return requete
        try:
            etat = await self.store.etat(origine.channel, origine.user)
        except RefusStore:
            return requete
        recente = next((r for r in Conversation.of(etat).recentes if r.requete == requete), None)
        return recente.alias if recente is not None and recente.alias else requete

    async def pending(self, canal: str) -> list[Pending]:
        """The replies a crash kept from going out (stored, not noted as sent), within the
        last PENDING_FOR, oldest first: the channel sends them at start-up."""
        depuis = self.clock() - PENDING_FOR
        restes = []
        for utilisateur, requete, packed in await self.store.a_livrer(canal, depuis):
            envoi = retries.unpack(packed)
            if envoi is None or envoi.origin is None or envoi.quand is None:
                continue
            if envoi.quand >= depuis and envoi.origin.user == utilisateur:
                pending = Pending(envoi.origin, requete, envoi.message, envoi.replies)
                restes.append((envoi.quand, pending))
        return [pending for _, pending in sorted(restes, key=lambda r: r[0])]
