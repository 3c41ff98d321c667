"""Delivery: where each reply goes, decided once for every channel.

The service answers an event with channel-neutral replies (:class:`flows.messages.Reply`),
each addressed to the origin — the person who acted —, to another person, or to the
evaluation's results destination. What that means is the same on the web chat, in Slack and
in Teams, so it is decided here and nowhere else:

- a reply to the origin goes back where the person acted: the answered message updated in
  place when the reply says so (and the channel can), else a new message in their own
  conversation;
- a reply to another person goes to that person privately — in the shared thread of a
  discussion (the two évaluateurs' reconciliation) where the channel has one;
- a result is posted only where it stays private. A results destination the channel does not
  know, or one that is not private, gets nothing: the evaluation's coordinateurs (else the
  channel's) are told why, privately;
- a file (the jury's export) goes to its owner privately, never to a shared conversation;
- one person's replies go out in the order of their events, under the same lock as their
  handling (:meth:`flows.service.Service.turn`): a click answered after the next one was
  handled still shows its answer first;
- a request whose replies went out is not answered again: a channel's retry, or a double click
  that the channel gives the same request id, is answered once. A request the store refused is
  not remembered, so the same request tried again is answered. What went out is noted in the
  store, with the replies (:meth:`flows.outbox.Outbox.sent`): replies a crash kept from going
  out are sent when the channel starts again (:meth:`Delivery.resume`), where they answer —
  the clicked card updated in place.

A channel implements :class:`Transport` — five sends in its own terms — and decides none of
this. A send that fails is logged and the next reply still goes: the records are stored
whatever happens to the messages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from contextlib import AbstractAsyncContextManager
from enum import Enum
from typing import Generic, Protocol, TypeVar

from flows import catalogue
from flows.messages import Fichier, Message, Origin, Reply, say
from flows.outbox import Outbox, Pending

log = logging.getLogger(__name__)

At = TypeVar("At")
"""What a channel needs to answer where an event came from (a Slack ``respond``, a Teams turn)."""
At_contra = TypeVar("At_contra", contravariant=True)


class Handler(Protocol):
    """The service's side of delivery: each person's turn, and the memory of what went out."""

    @property
    def outbox(self) -> Outbox: ...

    def turn(self, origine: Origin) -> AbstractAsyncContextManager[None]: ...


class Privacy(Enum):
    """Whether a conversation keeps a candidate's result among the people it is for."""

    PRIVATE = "private"
    PUBLIC = "public"
    UNKNOWN = "unknown"
    """The channel does not know it, or cannot see it (not invited, deleted)."""


class Transport(Protocol[At_contra]):
    """What a channel can send; :class:`Delivery` decides what to send where."""

    results_setting: str
    """The setting that names a channel's results destination, for the coordinateurs' notice."""

    async def answer(self, at: At_contra, message: Message, replace: bool) -> None:
        """Back where the person acted; the answered message updated when ``replace``."""

    async def direct(
        self, at: At_contra, user: str, message: Message, thread: str | None = None
    ) -> None:
        """To ``user`` privately; ``thread`` names a discussion the channel may share."""

    async def privacy(self, at: At_contra, target: str) -> Privacy:
        """Whether the results destination ``target`` is private."""

    async def post(self, at: At_contra, target: str, message: Message) -> None:
        """Into the results destination ``target`` (known to be private)."""

    async def upload(self, at: At_contra, user: str, fichier: Fichier, message: Message) -> None:
        """A file, with ``message`` beside it, to ``user`` privately."""


class Delivery(Generic[At]):
    """A channel's replies, routed as the module says."""

    def __init__(
        self,
        transport: Transport[At],
        service: Handler,
        coordinateurs: frozenset[str],
    ) -> None:
        self.transport = transport
        self._turn = service.turn
        self._coordinateurs = coordinateurs
        """Who is told when a result cannot be posted and its evaluation names nobody."""
        self._outbox = service.outbox

    async def delivered(self, origin: Origin, request_id: str) -> bool:
        """Whether the replies to this request of this person went out already.

        By person: a request id is unique to its channel's event only for that person (the
        service keeps each person's requests apart the same way).
        """
        return await self._outbox.answered(origin, request_id)

    async def resume(self, channel: str, at: Callable[[Pending], At]) -> int:
        """Send what a crash kept from going out on ``channel``; how many requests' replies."""
        restes = await self._outbox.pending(channel)
        for pending in restes:
            await self.deliver(pending.origin, pending.replies, at(pending), pending.request_id)
        return len(restes)

    async def deliver(
        self, origin: Origin, replies: Iterable[Reply], at: At, request_id: str | None = None
    ) -> bool:
        """Send each reply where it is addressed; False if they went out for this request."""
        async with self._turn(origin):
            if request_id is not None and await self.delivered(origin, request_id):
                return False
            replies = tuple(replies)
            for reply in replies:
                try:
                    await self._send(origin, reply, at)
                except Exception:  # the records are stored: the next reply still goes
                    log.exception("sending a reply on %s failed", origin.channel)
            if request_id is not None and not any(r.refused for r in replies):
                await self._outbox.sent(origin, request_id)
        return True

    async def _send(self, origin: Origin, reply: Reply, at: At) -> None:
        destination = reply.to
        if reply.fichier is not None:
            owner = destination.user if destination.user is not None else origin.user
            await self.transport.upload(at, owner, reply.fichier, reply.message)
        elif destination.target is not None:
            await self._publish(origin, reply, destination.target, at)
        elif destination.user is not None and destination.user != origin.user:
            await self.transport.direct(at, destination.user, reply.message, reply.fil)
        else:
            await self.transport.answer(at, reply.message, destination.replace)

    async def _publish(self, origin: Origin, reply: Reply, target: str, at: At) -> None:
        """A result, posted only where it stays private; otherwise the coordinateurs are told."""
        privacy = await self.transport.privacy(at, target)
        if privacy is Privacy.PRIVATE:
            await self.transport.post(at, target, reply.message)
            return
        modele = (
            catalogue.RESULTAT_CANAL_PUBLIC
            if privacy is Privacy.PUBLIC
            else catalogue.RESULTAT_CANAL_INCONNU
        )
        avis = say(
            modele.format(
                evaluation=reply.message.summary[:80], canal=target,
                reglage=self.transport.results_setting,
            )
        ).message  # fmt: skip
        for coordinateur in sorted(set(reply.to.responsables) or self._coordinateurs):
            await self.transport.direct(at, coordinateur, avis)
