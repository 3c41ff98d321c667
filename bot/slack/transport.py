"""Slack's sends, over the Web API: the transport :mod:`bot.delivery` routes replies through.

Each send is one or two Web API calls (slack_sdk retries a rate limit or a dropped link).
An error Slack answers is logged and the send given up: the records are stored already,
and the person's next action shows where they are.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from slack_bolt.async_app import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.delivery import Privacy
from bot.slack import blockkit, mrkdwn
from bot.slack.settings import SlackSettings
from flows import catalogue
from flows.evaluation import Adresse
from flows.messages import Fichier, Message, Origin
from flows.store import RefusStore, Store

CHANNEL = "slack"
log = logging.getLogger(__name__)


def web_client(settings: SlackSettings) -> AsyncWebClient:
    """Slack's Web API client, retrying on ``ratelimited`` (after Retry-After) and dropped links."""
    return AsyncWebClient(
        token=settings.bot_token,
        base_url=settings.api_base_url,
        retry_handlers=[
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
        ],
        logger=_journal_api(),
    )


def _journal_api() -> logging.Logger:
    """The Web API client's logger, with a level of its own.

    slack_sdk formats each request's debug line — the whole payload, Block Kit
    included — whenever its logger's *own* level is NOTSET, before logging drops
    it: a good part of each call's CPU. A child of the SDK's logger (same
    handlers, same configuration by name) set to the level in force when the
    client is made formats it only when debug output is really wanted.
    """
    journal = logging.getLogger("slack_sdk.web.async_base_client.cqp_bot")
    if journal.level == logging.NOTSET:
        journal.setLevel(journal.getEffectiveLevel())
    return journal


@dataclass(frozen=True)
class SlackAt:
    """Where an event came from, as Slack lets the bot answer there."""

    origin: Origin
    respond: AsyncRespond | None = None
    """The ``response_url`` of a slash command, or of a click in an ephemeral message."""
    ephemeral: bool = False
    """Asked where only the person sees the answer: a slash command, an ephemeral list."""
    message_ts: str | None = None
    """The clicked message, which an answer may update in place."""
    click: bool = False


class SlackTransport:
    """The Web API calls behind each send; the people's DMs and the discussions' threads."""

    results_setting = "SLACK_RESULTS_CHANNEL"

    def __init__(self, client: AsyncWebClient, store: Store) -> None:
        self.client = client
        self.store = store
        self._dms: dict[str, str] = {}
        self._threads: dict[tuple[str, str], str] = {}
        """Each shared discussion's thread, by group DM and discussion (also kept in the store:
        after a restart the discussion goes on in its thread)."""

    async def answer(self, at: SlackAt, message: Message, replace: bool) -> None:
        """A slash command's answer (a lookup, a list) stays where it was asked, for this person
        only; a click in such an answer may update it, but what follows (a grid's question) goes
        to the DM, where it stays. Everything else goes to the person's own DM — as Slack names
        it to the bot, never a conversation a payload names (a forged or replayed click could
        name someone else's DM)."""
        texte, blocs = _render(message)
        if at.ephemeral and at.respond is not None and (replace or not at.click):
            await self.call(
                at.respond, text=texte, blocks=blocs, response_type="ephemeral",
                replace_original=replace,
            )  # fmt: skip
            return
        dm = await self.dm(at.origin.user)
        if dm is None:
            return
        if replace and at.message_ts is not None and dm == at.origin.conversation:
            await self.call(
                self.client.chat_update, channel=dm, ts=at.message_ts, text=texte, blocks=blocs
            )
        else:
            await self.call(self.client.chat_postMessage, channel=dm, text=texte, blocks=blocs)

    async def direct(
        self, at: SlackAt, user: str, message: Message, thread: str | None = None
    ) -> None:
        texte, blocs = _render(message)
        if (
            thread is not None
            and user != at.origin.user
            and await self._in_thread(at.origin.user, user, thread, texte, blocs)
        ):
            return
        dm = await self.dm(user)
        if dm is not None:
            await self.call(self.client.chat_postMessage, channel=dm, text=texte, blocks=blocs)

    async def privacy(self, at: SlackAt, target: str) -> Privacy:
        info = await self.call(self.client.conversations_info, channel=target)
        if info is None:
            return Privacy.UNKNOWN
        conversation = info["channel"]
        if any(conversation.get(k) for k in ("is_private", "is_im", "is_mpim")):
            return Privacy.PRIVATE
        return Privacy.PUBLIC

    async def post(self, at: SlackAt, target: str, message: Message) -> None:
        texte, blocs = _render(message)
        await self.call(self.client.chat_postMessage, channel=target, text=texte, blocks=blocs)

    async def upload(self, at: SlackAt, user: str, fichier: Fichier, message: Message) -> None:
        """Uploaded to the person's DM; asked in a channel, said there (to them only) where."""
        dm = await self.dm(user)
        if dm is None:
            return
        await self.call(
            self.client.files_upload_v2, channel=dm, filename=fichier.nom, title=fichier.nom,
            content=fichier.contenu, initial_comment=mrkdwn.echapper(message.summary),
        )  # fmt: skip
        if at.ephemeral and at.respond is not None and dm != at.origin.conversation:
            avis = catalogue.SLACK_FICHIER_EN_PRIVE.format(nom=fichier.nom)
            await self.call(at.respond, text=avis, response_type="ephemeral")

    async def _in_thread(
        self, de: str, pour: str, discussion: str, texte: str, blocs: list[dict[str, Any]]
    ) -> bool:
        """Post in the thread both évaluateurs share (a group DM); False if it cannot be opened.

        The first message of a discussion starts the thread; the next ones answer in it, the
        addressee named so that Slack notifies them.
        """
        canal = await self._open(",".join(sorted((de, pour))))
        if canal is None:
            return False
        mention = {"type": "section", "text": {"type": "mrkdwn", "text": f"<@{pour}>"}}
        fil = self._threads.get((canal, discussion))
        if fil is None and (connu := await self.store.adresse(
            CHANNEL, f"fil|{canal}|{discussion}"
        )):  # fmt: skip
            fil = self._threads[(canal, discussion)] = str(connu.donnees.get("ts"))
        envoye = await self.call(
            self.client.chat_postMessage, channel=canal, text=texte, blocks=[mention, *blocs],
            thread_ts=fil,
        )  # fmt: skip
        if envoye is None:
            return False
        if fil is None:
            self._threads[(canal, discussion)] = str(envoye["ts"])
            await self.remember(f"fil|{canal}|{discussion}", {"ts": str(envoye["ts"])})
        return True

    async def thread_of(self, canal: str, ts: str) -> bool:
        """Whether ``ts`` starts one of the discussions' threads in the group DM ``canal``."""
        if not ts:
            return False
        if ts in {t for (c, _), t in self._threads.items() if c == canal}:
            return True
        for adresse in await self.store.adresses(CHANNEL):
            if adresse.cle.startswith(f"fil|{canal}|") and adresse.donnees.get("ts") == ts:
                self._threads[(canal, adresse.cle.rsplit("|", 1)[1])] = ts
                return True
        return False

    async def dm(self, user: str) -> str | None:
        """The person's DM with the bot, as Slack names it (``conversations.open``)."""
        return await self._open(user)

    async def _open(self, users: str) -> str | None:
        """The conversation of ``users`` (one: a DM; several: their group DM), opened once."""
        if users not in self._dms:
            response = await self.call(self.client.conversations_open, users=users)
            if response is None:
                return None
            self._dms[users] = str(response["channel"]["id"])
        return self._dms[users]

    async def remember(self, cle: str, donnees: dict[str, str]) -> None:
        """Keep what the bot learnt of Slack (a name, a thread) across restarts."""
        adresse = Adresse(canal=CHANNEL, cle=cle, donnees=donnees, horodatage=datetime.now(UTC))
        try:
            await self.store.sauver_adresse(adresse)
        except RefusStore as exc:  # a nicety: it stays in memory, the bot goes on
            log.warning("keeping %s: %s", cle, exc)

    async def call(self, method: Callable[..., Awaitable[Any]], **args: Any) -> Any | None:
        """A Web API call; an error Slack answers is logged, and None returned."""
        try:
            return await method(**args)
        except SlackApiError as exc:
            donnees = exc.response.data if isinstance(exc.response.data, dict) else {}
            log.warning("Slack API %s: %s", getattr(method, "__name__", "?"), donnees.get("error"))
            return None


def _render(message: Message) -> tuple[str, list[dict[str, Any]]]:
    """The message as Slack shows it: its summary as the notification's text, and its blocks."""
    return mrkdwn.echapper(message.summary), blockkit.blocks(message)
