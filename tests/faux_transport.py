"""A fake channel transport (a port of ours): records every send, in the channel's terms."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from bot.delivery import Privacy
from flows.messages import Fichier, Message


@dataclass
class At:
    """The fake channel's handle on where an event came from."""

    nom: str = "ici"


@dataclass
class FakeTransport:
    """Records every send; some destinations are private, some public, the rest unknown."""

    prives: set[str] = field(default_factory=lambda: {"C-RESULTATS"})
    publics: set[str] = field(default_factory=lambda: {"C-GENERAL"})
    envois: list[tuple[str, ...]] = field(default_factory=list)
    lent: float = 0.0
    en_panne: set[str] = field(default_factory=set)
    results_setting: str = "FAUX_RESULTS_CHANNEL"

    async def _noter(self, *envoi: str) -> None:
        if self.lent:
            await asyncio.sleep(self.lent)
        if envoi[0] in self.en_panne:
            raise ConnectionError("the channel is down")
        self.envois.append(envoi)

    async def answer(self, at: At, message: Message, replace: bool) -> None:
        await self._noter("answer", at.nom, message.summary, "replace" if replace else "new")

    async def direct(self, at: At, user: str, message: Message, thread: str | None = None) -> None:
        await self._noter("direct", user, message.summary, thread or "-")

    async def privacy(self, at: At, target: str) -> Privacy:
        if target in self.prives:
            return Privacy.PRIVATE
        return Privacy.PUBLIC if target in self.publics else Privacy.UNKNOWN

    async def post(self, at: At, target: str, message: Message) -> None:
        await self._noter("post", target, message.summary)

    async def upload(self, at: At, user: str, fichier: Fichier, message: Message) -> None:
        await self._noter("upload", user, fichier.nom, message.summary)
