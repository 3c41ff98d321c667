"""People's names in Slack: the flows know people by their user id, people know each other by name.

A modal's people pickers give ids only, and a message mentions people as ``<@U…>``: the
names come from ``users.info`` and are kept in the store, so that after a restart a mention
still reads as a name.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable

from bot.slack.transport import CHANNEL, SlackTransport

NAMES_WAIT_MAX_S = 1.0
"""How long a modal's submission waits for Slack to name the people it picked (users.info)."""
log = logging.getLogger(__name__)


class Names:
    """The names the bot knows, by user id."""

    def __init__(self, transport: SlackTransport) -> None:
        self.transport = transport
        self.known: dict[str, str] = {}

    async def lookup(self, utilisateurs: Iterable[str]) -> dict[str, str]:
        """People's names, for those a modal's pickers give by id only.

        Looked up before the ack, so within NAMES_WAIT_MAX_S: a person Slack does not
        name in time keeps their id as name (the evaluation is created all the same). The
        names the store kept are taken first: Slack is asked only for people never met.
        """
        utilisateurs = list(utilisateurs)
        await self.recall(utilisateurs)
        inconnus = [u for u in dict.fromkeys(utilisateurs) if u not in self.known]
        if inconnus:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(NAMES_WAIT_MAX_S):  # all of them, at once
                    await asyncio.gather(*(self._ask(u) for u in inconnus))
        return {u: self.known[u] for u in utilisateurs if u in self.known}

    async def recall(self, utilisateurs: Iterable[str]) -> None:
        """The names the store kept of people the bot met before a restart."""
        for utilisateur in utilisateurs:
            if utilisateur not in self.known:
                adresse = await self.transport.store.adresse(CHANNEL, f"nom|{utilisateur}")
                if adresse is not None:
                    self.known[utilisateur] = str(adresse.donnees.get("nom", ""))[:200]

    async def _ask(self, utilisateur: str) -> None:
        try:
            response = await self.transport.client.users_info(user=utilisateur)
        except Exception as exc:  # a name is a nicety: never a reason to refuse
            log.warning("users.info %s: %s", utilisateur, exc)
            return
        personne = response.get("user") or {}
        profil = personne.get("profile") or {}
        nom = (
            profil.get("real_name") or personne.get("real_name")
            or profil.get("display_name") or personne.get("name")
        )  # fmt: skip
        if nom:
            self.known[utilisateur] = str(nom)[:200]
            await self.transport.remember(f"nom|{utilisateur}", {"nom": str(nom)[:200]})
