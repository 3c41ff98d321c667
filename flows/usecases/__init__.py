"""The use cases: what the service does with an event once it knows which one it is.

Each module is one part of the certification a reader finds by name —
``lookup``, ``creation``, ``scoring``, ``evidence``, ``reconciliation``
(comparison, proposals and their justification, visas), ``results`` (the
result, the jury's export, agreement figures), ``administration`` (follow-up,
reminders, re-opening). A use case is an ``async`` function
``(context, event, conversation) -> replies``: it loads what it needs from the
store, steps a pure flow (``flows.notation``, ``flows.rapprochement``…), stores
the step's records — each durable before anything is answered — and updates
the conversation; ``flows.service`` routes to it, then saves the conversation.

This module holds what they share: the :class:`Context`, the per-evaluation
locks, and the helpers that name an evaluation and store a step's records.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from flows import catalogue as txt
from flows import designation
from flows.autorisation import Action
from flows.conversation import Conversation
from flows.evaluation import Dossier, Element
from flows.messages import CommandEvent, Event, Reply, say
from flows.store import Store
from referentiel import Referentiel, SearchIndex

E = TypeVar("E", bound=Event, contravariant=True)
UseCase = Callable[["Context", E, Conversation], Awaitable[tuple[Reply, ...]]]


class Locks:
    """One ``asyncio.Lock`` per key, kept only while someone holds or awaits it.

    A use case holds an evaluation's lock from reading its records to writing
    the step's ones (and reading them back to decide what follows), so two
    clicks on one evaluation at the same instant are handled one after the
    other; clicks on different evaluations never wait for each other.
    """

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: Counter[str] = Counter()

    @contextlib.asynccontextmanager
    async def hold(self, cle: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(cle, asyncio.Lock())
        self._users[cle] += 1
        try:
            async with lock:
                yield
        finally:
            self._users[cle] -= 1
            if not self._users[cle]:
                del self._users[cle], self._locks[cle]

    def __len__(self) -> int:
        """How many keys are held or awaited now."""
        return len(self._locks)


@dataclass
class Context:
    """What every use case reads besides the event and the conversation."""

    store: Store
    referentiel: Referentiel
    clock: Callable[[], datetime]
    admins: frozenset[str]
    coordinateurs: frozenset[str]
    """Who may create evaluations: the configured coordinateurs and admins."""
    justification_delay: timedelta
    """How long a proposal waits for its justification before it expires."""
    recherche: SearchIndex = field(init=False)
    evaluations: Locks = field(default_factory=Locks)
    """One lock per evaluation: read → decide → write of every action on it."""
    creation: asyncio.Lock = field(default_factory=asyncio.Lock)
    """Creations one at a time: two forms at once never pick the same id."""

    def __post_init__(self) -> None:
        self.recherche = SearchIndex(self.referentiel)

    @property
    def minutes(self) -> int:
        """The justification delay, in whole minutes (for the messages)."""
        return max(1, int(self.justification_delay.total_seconds() // 60))


class Refused(Exception):
    """Why an action cannot be done now, as the replies that say so."""

    def __init__(self, replies: tuple[Reply, ...]) -> None:
        super().__init__("refused")
        self.replies = replies


def said(texte: str) -> tuple[Reply, ...]:
    return (say(texte),)


async def designate(
    ctx: Context,
    commande: CommandEvent,
    action: Action,
    refus: str,
    texte: str | None = None,
    usage: str | None = None,
) -> Dossier | tuple[Reply, ...]:
    """The evaluation a command names (id or candidate reference), or the replies that help."""
    choisie = designation.designer(
        commande.args if texte is None else texte, await ctx.store.evaluations(),
        commande.origin.user, action, commande.name, refus, ctx.admins, usage,
    )  # fmt: skip
    if isinstance(choisie, Reply):
        return (choisie,)
    dossier = await ctx.store.dossier(choisie.id)
    if dossier is None:  # erased since
        return said(txt.CMD_EVALUATION_INCONNUE.format(evaluation=choisie.id))
    return dossier


async def record(
    ctx: Context, evaluation_id: str, enregistrements: Sequence[Element], par: str, requete: str
) -> None:
    """Store a step's records, each under a request id of its own (retries apply once).

    The id names who sent it: request ids are unique per channel and person, not
    across the two évaluateurs of one evaluation (whose records share a database).
    """
    for i, enregistrement in enumerate(enregistrements):
        await ctx.store.enregistrer(
            evaluation_id, enregistrement, par=par, requete=f"{par}|{requete}#{i}"
        )
