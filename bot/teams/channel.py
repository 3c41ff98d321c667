"""Microsoft Teams, as a thin channel: activities in, flows events through the service, cards out.

Teams talks to the bot through the Bot Connector: every message, click
(``Action.Submit``) or installation is an *activity* POSTed to
``/api/messages``; the bot answers by calling the connector back at the
activity's ``serviceUrl``. Both directions go through Microsoft 365 Agents
SDK (:class:`CloudAdapter`, :class:`TurnContext`, its connector client);
this module only translates.

Order of an interaction, so that nothing acknowledged is lost: the request
is authenticated (:mod:`bot.teams.jeton`: a Bot Framework token for this
bot, bound to the activity's ``serviceUrl``), the service handles the event
(its records durable in the store when it returns), then the replies are
sent; Teams gets its ``202`` after that. A refused write is answered
« non enregistré » by the flows and nothing is applied.

The replies go out through :mod:`bot.delivery`, which decides where each
goes, and :mod:`bot.teams.transport`, which sends in the turn or, through
the conversation references of :mod:`bot.teams.addresses`, proactively; the
jury's export through :mod:`bot.teams.files`. Authentication: the
connector's tokens are checked in :mod:`bot.teams.jeton`, the bot's own in
:mod:`bot.teams.auth`.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import warnings

from aiohttp import web
from aiohttp.web import NotAppKeyWarning
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import TurnContext
from microsoft_agents.hosting.core.authorization import AccessTokenProviderBase, ClaimsIdentity
from pydantic import ValidationError

from bot.delivery import Delivery
from bot.teams import activities, cartes
from bot.teams.addresses import CHANNEL, Addresses
from bot.teams.auth import Connections, token_provider
from bot.teams.files import Files
from bot.teams.jeton import JetonRefuse, VerificateurJeton
from bot.teams.settings import TeamsSettings
from bot.teams.transport import TeamsAt, TeamsTransport
from flows import catalogue
from flows.messages import (
    MAX_TYPED,
    ChoiceEvent,
    CommandEvent,
    Event,
    FormEvent,
    Origin,
    TextEvent,
)
from flows.outbox import Pending
from flows.service import Service

log = logging.getLogger(__name__)


class TeamsChannel:
    """The Agents SDK's adapter wired to the service; replies go out through the delivery."""

    CHANNEL = CHANNEL

    def __init__(
        self,
        service: Service,
        settings: TeamsSettings,
        jetons: AccessTokenProviderBase | None = None,
        verificateur: VerificateurJeton | None = None,
        depot_local: bool = False,
    ) -> None:
        self.service = service
        self.settings = settings
        self.adapter = CloudAdapter(
            connection_manager=Connections(jetons or token_provider(settings))
        )
        self.adapter.on_turn_error = self._error
        self.verificateur: VerificateurJeton | None = None
        if not settings.dev_sans_auth:
            assert settings.app_id is not None  # checked with the settings
            self.verificateur = verificateur or VerificateurJeton(
                settings.app_id, settings.openid_url
            )
        self.addresses = Addresses(self.adapter, settings.app_id or "", service.store)
        self.files = Files(self.addresses, depot_local)
        self.transport = TeamsTransport(settings, service.store, self.addresses, self.files)
        self.delivery = Delivery(self.transport, service, settings.coordinateurs | settings.admins)
        self._reprise: asyncio.Task[None] | None = None

    def mount(self, app: web.Application) -> None:
        app.router.add_post("/api/messages", self.endpoint)
        app.on_startup.append(self._resume)
        app.on_cleanup.append(self._close)

    async def _resume(self, app: web.Application) -> None:
        """What a crash kept from going out goes out now, in the background: each person's in
        a proactive turn of their personal chat, the clicked card updated in place."""
        self._reprise = asyncio.create_task(self._resend())

    async def _resend(self) -> None:
        for pending in await self.service.outbox.pending(CHANNEL):
            personne = pending.origin.user
            adresse = await self.service.store.adresse(CHANNEL, personne)
            if adresse is None:
                continue

            async def envoyer(context: TurnContext, pending: Pending = pending) -> None:
                at = TeamsAt(context, pending.origin.user, message=pending.message)
                await self.delivery.deliver(pending.origin, pending.replies, at, pending.request_id)

            await self.addresses.in_turn(adresse, envoyer)

    async def _close(self, app: web.Application) -> None:
        if self._reprise is not None and not self._reprise.done():
            self._reprise.cancel()
        await self.files.close()
        if self.verificateur is not None:
            await self.verificateur.fermer()

    # --- the HTTP endpoint ----------------------------------------------------------------

    async def endpoint(self, request: web.Request) -> web.StreamResponse:
        """Authenticate, then let the SDK run the turn (``on_turn``); 401 changes nothing."""
        try:
            corps = await request.json()
        except (ValueError, UnicodeDecodeError):
            return web.json_response({"erreur": catalogue.TEAMS_JSON_ATTENDU}, status=400)
        if not isinstance(corps, dict):
            return web.json_response({"erreur": catalogue.TEAMS_JSON_ATTENDU}, status=400)
        if self.verificateur is None:
            # Development mode: the settings allowed it on loopback only; a request from
            # elsewhere, or relayed by a proxy or a tunnel on this machine, is still refused.
            relayee = any(h in request.headers for h in ("Forwarded", "X-Forwarded-For"))
            if request.remote not in ("127.0.0.1", "::1") or relayee:
                return web.json_response({"erreur": catalogue.TEAMS_NON_AUTHENTIFIE}, status=401)
        else:
            try:
                claims = await self.verificateur.verifier(
                    request.headers.get("Authorization"),
                    _text(corps.get("serviceUrl")),
                    _text(corps.get("channelId")),
                )
            except JetonRefuse as exc:
                log.warning("Teams request refused: %s", exc)
                return web.json_response({"erreur": catalogue.TEAMS_NON_AUTHENTIFIE}, status=401)
            with warnings.catch_warnings():  # the SDK reads this str key: aiohttp frowns on it
                warnings.simplefilter("ignore", NotAppKeyWarning)
                request["claims_identity"] = ClaimsIdentity(claims, authentication_type="Bearer")
        try:
            activite = Activity.model_validate(corps)
        except ValidationError:
            return web.json_response({"erreur": catalogue.TEAMS_ACTIVITE_INVALIDE}, status=400)
        refus = self._out_of_scope(activite)
        if refus is not None:
            log.warning("Teams activity refused: %s", refus)
            return web.json_response({"erreur": catalogue.TEAMS_HORS_PERIMETRE}, status=403)
        response = await self.adapter.process(request, self)
        return response if response is not None else web.Response(status=202)

    def _who(self, activite: Activity) -> str | None:
        return activities.person(activite, dev=self.verificateur is None)

    def _out_of_scope(self, activite: Activity) -> str | None:
        """Why an authenticated activity is still not for this bot (None: it is).

        A Bot Framework token is valid for every channel of the bot's registration (Web
        Chat, Direct Line…), where the client names itself: only Teams is served, and only
        the mutuelle's own tenant.
        """
        dev = self.verificateur is None
        canaux = ("msteams", "emulator") if dev else ("msteams",)
        if activite.channel_id not in canaux:
            return f"channel {activite.channel_id!r}"
        locataire = (activities.tenant(activite) or "").lower()
        if not dev and locataire != (self.settings.tenant_id or "").lower():
            return "another tenant"
        return None

    # --- turns ----------------------------------------------------------------------------

    async def on_turn(self, context: TurnContext) -> None:
        """The SDK's agent entry point: one incoming activity."""
        activite = context.activity
        personne = self._who(activite)
        if personne is None:
            return
        await self.addresses.keep(activite, personne)
        if activite.type == "message":
            await self._message(context, personne)
        elif activite.type in ("conversationUpdate", "installationUpdate"):
            await self._installation(context, personne)
        elif activite.type == "invoke" and activite.name == "fileConsent/invoke":
            await self.files.consent(context, personne)

    async def _error(self, context: TurnContext, error: Exception) -> None:
        log.error("Teams turn failed", exc_info=error)
        try:
            await context.send_activity(catalogue.TEAMS_ERREUR)
        except Exception:
            log.exception("could not tell the person about the failure")

    async def _message(self, context: TurnContext, personne: str) -> None:
        activite = context.activity
        origine = Origin(
            channel=CHANNEL, conversation=activities.conversation(activite), user=personne
        )
        requete = _request_id(activite)
        at = TeamsAt(context, personne)
        evenement: Event
        if activite.value is not None and not (activite.text or "").strip():
            action = cartes.lire_action(activite.value)
            if action is None:
                return  # not one of our cards' submissions: nothing to do
            if isinstance(action, cartes.Formulaire):
                evenement = FormEvent(
                    origin=origine, request_id=requete, form=action.formulaire,
                    values=action.valeurs,
                )  # fmt: skip
            else:  # the card clicked: a double click on it is one request (flows.clics)
                evenement = ChoiceEvent(
                    origin=origine, request_id=requete, payload=action.payload,
                    message=activite.reply_to_id or None,
                )  # fmt: skip
        else:
            personnelle = activities.personal(activite)
            texte = (
                (activite.text or "") if personnelle else activite.remove_recipient_mention()
            ).strip()
            evenement = TextEvent(
                origin=origine, request_id=requete, text=texte[:MAX_TYPED] or "aide",
                trop_long=len(texte) if len(texte) > MAX_TYPED else 0,
            )  # fmt: skip  # an overlong text is answered so by the service, once
        replies = await self.service.handle(evenement)
        await self.delivery.deliver(origine, replies, at, requete)

    async def _installation(self, context: TurnContext, personne: str) -> None:
        """The bot added to a personal chat, a group chat or a team: say what it does."""
        activite = context.activity
        # Teams announces an installation twice (installationUpdate, then conversationUpdate
        # adding the bot): the welcome answers the second only.
        bot = activite.recipient.id if activite.recipient else None
        if activite.type != "conversationUpdate" or not any(
            m.id == bot for m in activite.members_added or ()
        ):
            return
        if not activities.personal(activite):
            note = catalogue.TEAMS_CANAL_NOTE.format(conversation=activite.conversation.id)
            await activities.send(context, [activities.plain(note)])
            return
        origine = Origin(
            channel=CHANNEL, conversation=activities.conversation(activite), user=personne
        )
        requete = _request_id(activite)
        replies = await self.service.handle(
            CommandEvent(origin=origine, request_id=requete, name="aide")
        )
        await self.delivery.deliver(origine, replies, TeamsAt(context, personne), requete)


def _request_id(activite: Activity) -> str:
    """The activity's id, in its conversation: the connector delivers it again with the same."""
    ident = activite.id or secrets.token_hex(8)
    return f"teams-{activities.conversation(activite)}|{ident}"[:200]


def _text(valeur: object) -> str | None:
    return valeur if isinstance(valeur, str) else None
