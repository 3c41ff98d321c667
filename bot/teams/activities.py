"""Teams activities: who and where an incoming one is from, and messages as outgoing ones.

Everything here reads or builds :class:`Activity` objects of Microsoft 365 Agents SDK and
calls nothing; :func:`send` is the one way an activity leaves, retried when the connector
is busy (the SDK's connector client does not retry).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from functools import partial
from typing import Any

from aiohttp import ClientResponseError
from microsoft_agents.activity import Activity, Attachment
from microsoft_agents.hosting.core import TurnContext
from pydantic import ValidationError
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from bot.teams import cartes
from flows.messages import Message

PERSONAL = "personal"
RETRIES = 2
"""Retries of a message the connector refused as busy (429, 5xx)."""
RETRY_WAIT_MAX_S = 5.0
log = logging.getLogger(__name__)


# --- reading an incoming activity --------------------------------------------------------


def person(activite: Activity, dev: bool = False) -> str | None:
    """Who acts: their Microsoft Entra object id, what Teams' people picker returns.

    Teams sets ``aadObjectId`` for every person; an activity without one is not a
    person of the tenant. Only the development mode (an emulator, no Entra) falls back
    to the channel's own id.
    """
    compte = activite.from_property
    if compte is None:
        return None
    ident = (compte.aad_object_id or (compte.id if dev else None) or "").strip().lower()
    return ident[:200] or None


def conversation(activite: Activity) -> str:
    """The activity's conversation id, hashed when too long for the flows' ids."""
    ident = activite.conversation.id if activite.conversation is not None else "?"
    if len(ident) <= 200:
        return ident
    return "h-" + hashlib.sha256(ident.encode()).hexdigest()[:40]


def personal(activite: Activity) -> bool:
    """Whether the activity comes from a one-to-one chat with the bot."""
    conversation = activite.conversation
    return conversation is None or conversation.conversation_type in (None, PERSONAL)


def channel_data(activite: Activity) -> dict[str, Any]:
    donnees = activite.channel_data
    if isinstance(donnees, dict):
        return donnees
    dump = getattr(donnees, "model_dump", None)
    return dump(mode="json", by_alias=True) if callable(dump) else {}


def private(activite: Activity) -> bool:
    """Whether a conversation that is not one-to-one is private: a group chat, a private channel.

    A standard channel is open to the whole team: no candidate's result is posted there.
    """
    if activite.conversation is not None and activite.conversation.conversation_type == (
        "groupChat"
    ):
        return True
    canal = channel_data(activite).get("channel")
    if not isinstance(canal, dict):
        return False
    return "private" in (canal.get("membershipType"), canal.get("type"))


def tenant(activite: Activity) -> str | None:
    if activite.conversation is not None and activite.conversation.tenant_id:
        return activite.conversation.tenant_id
    donnees = channel_data(activite).get("tenant")
    return str(donnees["id"]) if isinstance(donnees, dict) and donnees.get("id") else None


# --- building outgoing activities --------------------------------------------------------


def plain(texte: str) -> Activity:
    return Activity(type="message", text=texte, text_format="plain")


def activities(message: Message) -> list[Activity]:
    """A message as Teams activities: plain text when it is only short paragraphs, else cards."""
    if cartes.texte_seul(message):
        texte = "\n\n".join(getattr(b, "text", "") for b in message.blocks) or message.summary
        if len(texte) <= 4000:
            return [plain(texte)]
    return [
        Activity(
            type="message",
            summary=message.summary,
            attachments=[Attachment.model_validate(cartes.attachment(carte))],
        )
        for carte in cartes.cartes(message)
    ]


_READ = frozenset({"summary", "text", "label", "items"})
"""The message model's keys whose strings a person reads."""


def named(message: Message, noms: Mapping[str, str]) -> Message:
    """The message with the people it names by id (an Entra object id) named by their names.

    The flows know people by their channel id; in Teams that is a 36-character id
    nobody recognises. What is read only (texts, labels, fields): a button's payload or
    an input's value (a people picker's) keeps the id.
    """
    vu = message.model_dump_json()
    connus = {i: n for i, n in noms.items() if len(i) >= 8 and i in vu}
    if not connus:
        return message

    def remplacer(noeud: Any, cle: str = "") -> Any:
        if isinstance(noeud, str):
            if cle not in _READ:
                return noeud
            for ident, nom in connus.items():
                noeud = noeud.replace(ident, nom)
            return noeud
        if isinstance(noeud, dict):
            return {k: remplacer(v, k) for k, v in noeud.items()}
        if isinstance(noeud, list):
            return [remplacer(v, cle) for v in noeud]
        return noeud

    try:
        return Message.model_validate(remplacer(message.model_dump(mode="json")))
    except ValidationError:  # a name that makes a text too long: the ids, then
        return message


# --- sending -----------------------------------------------------------------------------


def _busy(exc: BaseException) -> bool:
    return isinstance(exc, ClientResponseError) and (exc.status == 429 or exc.status >= 500)


def _retry_after(etat: RetryCallState) -> float:
    """As long as the connector's Retry-After says (5 s at most), else a second."""
    exc = etat.outcome.exception() if etat.outcome is not None else None
    attente = "1"
    if isinstance(exc, ClientResponseError) and exc.headers:
        attente = str(exc.headers.get("Retry-After", "1"))
    return min(float(attente) if attente.isdigit() else 1.0, RETRY_WAIT_MAX_S)


async def retried(appel: Callable[[], Awaitable[Any]]) -> bool:
    """Call the connector, again when it says it is busy (429, 5xx); False if it still fails.

    The records are already stored when this runs: a message that still fails is logged,
    and the person gets the next one.
    """
    try:
        async for essai in AsyncRetrying(
            retry=retry_if_exception(_busy), wait=_retry_after,
            stop=stop_after_attempt(RETRIES + 1), reraise=True,
        ):  # fmt: skip
            with essai:
                await appel()
    except ClientResponseError as exc:
        log.warning("Teams connector refused a message: HTTP %s", exc.status)
        return False
    except Exception:
        log.exception("sending to Teams failed")
        return False
    return True


async def send(context: TurnContext, envoi: list[Activity]) -> bool:
    """Send in order, each activity retried when the connector is busy; False if one failed."""
    for activite in envoi:
        if not await retried(partial(context.send_activity, activite)):
            return False
    return True
