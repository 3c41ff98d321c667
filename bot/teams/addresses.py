"""How the bot reaches people and conversations in Teams: conversation references, in the store.

Teams lets a bot write first to someone only through a conversation reference: each
activity's reference is stored (:meth:`Store.sauver_adresse`), so that the second
évaluateur, the coordinateurs and the results channel are reachable after a restart
(proactive messages, ``CloudAdapter.continue_conversation``). Someone who never talked to
the bot is reached by creating a one-to-one conversation with their Entra id, in the tenant
of the activity at hand. The names Teams gives people travel with their references.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from microsoft_agents.activity import (
    Activity,
    ChannelAccount,
    ConversationParameters,
    ConversationReference,
)
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import TurnContext
from pydantic import ValidationError

from bot.teams import activities
from flows import catalogue
from flows.evaluation import Adresse
from flows.store import Store

CHANNEL = "teams"
BOT_FRAMEWORK_SCOPE = "https://api.botframework.com"
log = logging.getLogger(__name__)


def conversation_key(conversation_id: str) -> str:
    """The store's key of a conversation that is not one-to-one (a channel, a group chat)."""
    return f"conversation:{conversation_id}"


class Addresses:
    """The stored references, and the proactive messages they allow."""

    def __init__(self, adapter: CloudAdapter, app_id: str, store: Store) -> None:
        self.adapter = adapter
        self.app_id = app_id
        self.store = store
        self.names: dict[str, str] = {}
        """People's display names by id, as Teams gives them: the flows name people by id."""
        self._names_loaded = False

    async def keep(self, activite: Activity, personne: str) -> None:
        """Store the activity's conversation reference: the person's, or the conversation's.

        Without the ids of the activity and of the request, which change each time: an
        unchanged reference is then not written again. The person's name is noted too.
        """
        await self._load_names()
        nom = activite.from_property.name if activite.from_property is not None else None
        if nom and nom.strip():
            self.names[personne] = nom.strip()[:100]
        await self._store(activite, personne)

    async def _store(self, activite: Activity, personne: str) -> None:
        reference = activite.get_conversation_reference()
        donnees = reference.model_dump(
            mode="json", by_alias=True, exclude_none=True, exclude={"activity_id", "request_id"}
        )
        if activities.personal(activite):
            cle = personne
        else:
            cle = conversation_key(activite.conversation.id)
            donnees["cqp"] = {"prive": activities.private(activite)}
        try:
            await self.store.sauver_adresse(
                Adresse(canal=CHANNEL, cle=cle[:400], donnees=donnees, horodatage=_now())
            )
        except Exception:  # the turn goes on: the address is kept at the next activity
            log.exception("could not store a Teams conversation reference")

    async def _load_names(self) -> None:
        """The names known before a restart: those in the stored conversation references."""
        if self._names_loaded:
            return
        self._names_loaded = True
        for adresse in await self.store.adresses(CHANNEL):
            utilisateur = adresse.donnees.get("user")
            nom = utilisateur.get("name") if isinstance(utilisateur, dict) else None
            if isinstance(nom, str) and nom.strip() and not adresse.cle.startswith("conversation:"):
                self.names.setdefault(adresse.cle, nom.strip()[:100])

    async def write_to(
        self, personne: str, envoi: list[Activity], context: TurnContext | None = None
    ) -> bool:
        """A proactive message to someone's personal chat (created if the bot has none yet)."""
        adresse = await self.store.adresse(CHANNEL, personne)
        if adresse is not None and await self.continue_with(adresse, envoi):
            return True
        # No reference, or a stale one (the app uninstalled, the conversation gone): a new
        # one-to-one conversation, in the tenant of the activity at hand.
        if context is not None and await self._create(context, personne, envoi):
            return True
        if context is not None and activities.personal(context.activity):
            # Unreachable: the sender is told who could not be reached (not what was for them).
            nom = self.names.get(personne, personne)
            avis = activities.plain(catalogue.TEAMS_INJOIGNABLE.format(personne=nom))
            await activities.send(context, [avis])
        return False

    async def to_person(
        self, context: TurnContext, sender: str, personne: str, envoi: list[Activity]
    ) -> None:
        """To ``personne`` privately: in this turn when they are who acts, in their personal
        chat; else in their personal chat, proactively."""
        if personne == sender and activities.personal(context.activity):
            await activities.send(context, envoi)
        else:
            await self.write_to(personne, envoi, context)

    async def continue_with(self, adresse: Adresse, envoi: list[Activity]) -> bool:
        """Send in the conversation a stored reference names."""
        envoye = False

        async def rappel(context: TurnContext) -> None:
            nonlocal envoye
            envoye = await activities.send(context, envoi)

        return await self.in_turn(adresse, rappel) and envoye

    async def in_turn(
        self, adresse: Adresse, rappel: Callable[[TurnContext], Awaitable[None]]
    ) -> bool:
        """Run ``rappel`` in a proactive turn of the conversation a stored reference names;
        False if it could not be opened (logged)."""
        try:
            reference = ConversationReference.model_validate(adresse.donnees)
        except ValidationError:
            log.warning("unreadable Teams address %s", adresse.cle)
            return False
        try:
            await self.adapter.continue_conversation(
                self.app_id, reference.get_continuation_activity(), rappel
            )
        except Exception:
            log.exception("Teams proactive message failed")
            return False
        return True

    async def _create(self, context: TurnContext, personne: str, envoi: list[Activity]) -> bool:
        """A one-to-one conversation with someone who never wrote to the bot, in this tenant."""
        activite = context.activity
        locataire = activities.tenant(activite)
        if not locataire or not activite.service_url or activite.recipient is None:
            return False
        parametres = ConversationParameters(
            is_group=False,
            agent=activite.recipient,
            members=[ChannelAccount(id=personne)],
            tenant_id=locataire,
            channel_data={"tenant": {"id": locataire}},
        )
        envoye = False

        async def rappel(nouveau: TurnContext) -> None:
            nonlocal envoye
            envoye = await activities.send(nouveau, envoi)
            if envoye:  # the message first; the address is kept if the store takes it
                await self._store(nouveau.activity, personne)

        try:
            await self.adapter.create_conversation(
                self.app_id, str(activite.channel_id or "msteams"), activite.service_url,
                BOT_FRAMEWORK_SCOPE, parametres, rappel,
            )  # fmt: skip
        except Exception:
            log.exception("Teams conversation could not be created")
            return False
        return envoye


def _now() -> datetime:
    return datetime.now(UTC)
