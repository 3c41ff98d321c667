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

Teams can only write first to someone through a conversation reference:
each activity's reference is stored (:meth:`Store.sauver_adresse`), so that
the second évaluateur, the coordinateurs and the results channel are
reachable after a restart (proactive messages,
``CloudAdapter.continue_conversation``). Someone who never talked to the
bot is reached by creating a one-to-one conversation with their Entra id,
in the tenant of the activity at hand.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import warnings
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from aiohttp import ClientResponseError, ClientSession, ClientTimeout, web
from aiohttp.web import NotAppKeyWarning
from microsoft_agents.activity import (
    Activity,
    Attachment,
    ChannelAccount,
    ConversationParameters,
    ConversationReference,
)
from microsoft_agents.authentication.msal import MsalAuth
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import TurnContext
from microsoft_agents.hosting.core.authorization import (
    AccessTokenProviderBase,
    AgentAuthConfiguration,
    AnonymousTokenProvider,
    AuthTypes,
    ClaimsIdentity,
)
from pydantic import ValidationError

from bot.clics import Clics, DejaVus
from bot.teams import cartes
from bot.teams.jeton import JetonRefuse, VerificateurJeton
from bot.teams.settings import TeamsSettings
from flows import catalogue
from flows.evaluation import Adresse
from flows.messages import (
    MAX_TYPED,
    ChoiceEvent,
    CommandEvent,
    Event,
    Fichier,
    FormEvent,
    Message,
    Origin,
    Reply,
    TextEvent,
    propose,
    say,
)
from flows.service import Service

CHANNEL = "teams"
BOT_FRAMEWORK_SCOPE = "https://api.botframework.com"
PERSONAL = "personal"
REPRISES = 2
"""Retries of a message the connector refused as busy (429, 5xx)."""
FICHIERS_GARDES = 200
"""Exports offered and not yet accepted, kept in memory (a restart asks to export again)."""
log = logging.getLogger(__name__)

FILE_CONSENT = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO = "application/vnd.microsoft.teams.card.file.info"


class Connexions:
    """The SDK's connection manager, with the one identity this bot has.

    The SDK asks it for a token provider each time it calls the connector; the bot
    has a single Azure registration (or none, in development), so every question
    gets the same provider.
    """

    def __init__(self, fournisseur: AccessTokenProviderBase) -> None:
        self.fournisseur = fournisseur

    def get_connection(self, connection_name: str) -> AccessTokenProviderBase:
        return self.fournisseur

    def get_default_connection(self) -> AccessTokenProviderBase:
        return self.fournisseur

    def get_token_provider(
        self, claims_identity: ClaimsIdentity, service_url: str
    ) -> AccessTokenProviderBase:
        return self.fournisseur

    def get_token_provider_from_activity(
        self, claims_identity: ClaimsIdentity, activity: Activity
    ) -> AccessTokenProviderBase:
        return self.fournisseur

    def get_default_connection_configuration(self) -> AgentAuthConfiguration:
        return self.fournisseur.configuration


def fournisseur_de_jetons(settings: TeamsSettings) -> AccessTokenProviderBase:
    """How the bot proves who it is to the connector: MSAL with its secret or certificate.

    Without an app id (the development mode), calls go without a token, as the Bot
    Framework emulator expects.
    """
    if settings.app_id is None:
        return AnonymousTokenProvider()
    if settings.cert_pfx_file is not None:
        config = AgentAuthConfiguration(
            AuthTypes.certificate, settings.app_id, settings.tenant_id,
            cert_pfx_file=str(settings.cert_pfx_file),
        )  # fmt: skip
    else:
        config = AgentAuthConfiguration(
            AuthTypes.client_secret, settings.app_id, settings.tenant_id, settings.app_password
        )
    return MsalAuth(config)


def _personne(activite: Activity, dev: bool = False) -> str | None:
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


def _conversation(activite: Activity) -> str:
    ident = activite.conversation.id if activite.conversation is not None else "?"
    if len(ident) <= 200:
        return ident
    return "h-" + hashlib.sha256(ident.encode()).hexdigest()[:40]


def _personnelle(activite: Activity) -> bool:
    conversation = activite.conversation
    return conversation is None or conversation.conversation_type in (None, PERSONAL)


def _donnees_canal(activite: Activity) -> dict[str, Any]:
    donnees = activite.channel_data
    if isinstance(donnees, dict):
        return donnees
    dump = getattr(donnees, "model_dump", None)
    return dump(mode="json", by_alias=True) if callable(dump) else {}


def _privee(activite: Activity) -> bool:
    """Whether a conversation that is not one-to-one is private: a group chat, a private channel.

    A standard channel is open to the whole team: no candidate's result is posted there.
    """
    if activite.conversation is not None and activite.conversation.conversation_type == (
        "groupChat"
    ):
        return True
    canal = _donnees_canal(activite).get("channel")
    if not isinstance(canal, dict):
        return False
    return "private" in (canal.get("membershipType"), canal.get("type"))


def _tenant(activite: Activity) -> str | None:
    if activite.conversation is not None and activite.conversation.tenant_id:
        return activite.conversation.tenant_id
    tenant = _donnees_canal(activite).get("tenant")
    return str(tenant["id"]) if isinstance(tenant, dict) and tenant.get("id") else None


def _cle_conversation(conversation_id: str) -> str:
    return f"conversation:{conversation_id}"


def activites(message: Message) -> list[Activity]:
    """A message as Teams activities: plain text when it is only short paragraphs, else cards."""
    if cartes.texte_seul(message):
        texte = "\n\n".join(getattr(b, "text", "") for b in message.blocks) or message.summary
        if len(texte) <= 4000:
            return [_texte_seul(texte)]
    return [
        Activity(
            type="message",
            summary=message.summary,
            attachments=[Attachment.model_validate(cartes.attachment(carte))],
        )
        for carte in cartes.cartes(message)
    ]


_LUS = frozenset({"summary", "text", "label", "items"})
"""The message model's keys whose strings a person reads."""


def nommer(message: Message, noms: Mapping[str, str]) -> Message:
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
            if cle not in _LUS:
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


class TeamsChannel:
    """The Agents SDK's adapter wired to the service, and the sending of replies."""

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
        self.depot_local = depot_local
        """Tests only: the export may be uploaded over http to loopback (the fake OneDrive)."""
        self._depots: set[asyncio.Task[None]] = set()
        self.settings = settings
        self.adapter = CloudAdapter(
            connection_manager=Connexions(jetons or fournisseur_de_jetons(settings))
        )
        self.adapter.on_turn_error = self._erreur
        self.verificateur: VerificateurJeton | None = None
        if not settings.dev_sans_auth:
            assert settings.app_id is not None  # checked with the settings
            self.verificateur = verificateur or VerificateurJeton(
                settings.app_id, settings.openid_url
            )
        self._ordre: dict[str, asyncio.Lock] = {}
        self._clics = Clics()
        self._fichiers: OrderedDict[str, tuple[str, Fichier]] = OrderedDict()
        self._session: ClientSession | None = None
        self._noms: dict[str, str] = {}
        """People's display names by id, as Teams gives them: the flows name people by id."""
        self._noms_charges = False
        self._traitees = DejaVus()
        """Activities already handled: the connector may deliver one again (a timeout)."""

    @property
    def app_id(self) -> str:
        return self.settings.app_id or ""

    def mount(self, app: web.Application) -> None:
        app.router.add_post("/api/messages", self.endpoint)
        app.on_cleanup.append(self._fermer)

    async def _fermer(self, app: web.Application) -> None:
        if self._depots:
            await asyncio.wait(self._depots, timeout=30)
        if self.verificateur is not None:
            await self.verificateur.fermer()
        if self._session is not None:
            await self._session.close()

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
                    _texte(corps.get("serviceUrl")),
                    _texte(corps.get("channelId")),
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
        refus = self._hors_perimetre(activite)
        if refus is not None:
            log.warning("Teams activity refused: %s", refus)
            return web.json_response({"erreur": catalogue.TEAMS_HORS_PERIMETRE}, status=403)
        reponse = await self.adapter.process(request, self)
        return reponse if reponse is not None else web.Response(status=202)

    def _qui(self, activite: Activity) -> str | None:
        return _personne(activite, dev=self.verificateur is None)

    def _hors_perimetre(self, activite: Activity) -> str | None:
        """Why an authenticated activity is still not for this bot (None: it is).

        A Bot Framework token is valid for every channel of the bot's registration (Web
        Chat, Direct Line…), where the client names itself: only Teams is served, and only
        the mutuelle's own tenant.
        """
        dev = self.verificateur is None
        canaux = ("msteams", "emulator") if dev else ("msteams",)
        if activite.channel_id not in canaux:
            return f"channel {activite.channel_id!r}"
        if not dev and (_tenant(activite) or "").lower() != (self.settings.tenant_id or "").lower():
            return "another tenant"
        return None

    # --- turns ----------------------------------------------------------------------------

    async def on_turn(self, context: TurnContext) -> None:
        """The SDK's agent entry point: one incoming activity."""
        activite = context.activity
        personne = self._qui(activite)
        if personne is None:
            return
        await self._retenir(activite, personne)
        async with self._ordre.setdefault(personne, asyncio.Lock()):
            if self._deja_traitee(activite):
                return  # handled and answered: the service would only repeat its answer
            if activite.type == "message":
                await self._message(context, personne)
            elif activite.type in ("conversationUpdate", "installationUpdate"):
                await self._installation(context, personne)
            elif activite.type == "invoke" and activite.name == "fileConsent/invoke":
                await self._consentement(context, personne)

    async def _charger_noms(self) -> None:
        """The names known before a restart: those in the stored conversation references."""
        if self._noms_charges:
            return
        self._noms_charges = True
        for adresse in await self.service.store.adresses(CHANNEL):
            utilisateur = _dict(adresse.donnees.get("user"))
            nom = utilisateur.get("name")
            if isinstance(nom, str) and nom.strip() and not adresse.cle.startswith("conversation:"):
                self._noms.setdefault(adresse.cle, nom.strip()[:100])

    def _deja_traitee(self, activite: Activity) -> bool:
        """Whether the connector already delivered this activity (an invoke is answered anew)."""
        if activite.id is None or activite.type == "invoke":
            return False
        return self._traitees.deja_vu(f"{_conversation(activite)}|{activite.id}")

    async def _erreur(self, context: TurnContext, error: Exception) -> None:
        log.error("Teams turn failed", exc_info=error)
        try:
            await context.send_activity(catalogue.TEAMS_ERREUR)
        except Exception:
            log.exception("could not tell the person about the failure")

    async def _retenir(self, activite: Activity, personne: str) -> None:
        """Keep how to reach this person (or this conversation) later, in the store."""
        await self._charger_noms()
        nom = activite.from_property.name if activite.from_property is not None else None
        if nom and nom.strip():
            self._noms[personne] = nom.strip()[:100]
        await self._garder(activite, personne)

    async def _garder(self, activite: Activity, personne: str) -> None:
        """Store the activity's conversation reference: the person's, or the conversation's.

        Without the ids of the activity and of the request, which change each time: an
        unchanged reference is then not written again.
        """
        reference = activite.get_conversation_reference()
        donnees = reference.model_dump(
            mode="json", by_alias=True, exclude_none=True, exclude={"activity_id", "request_id"}
        )
        if _personnelle(activite):
            cle = personne
        else:
            cle = _cle_conversation(activite.conversation.id)
            donnees["cqp"] = {"prive": _privee(activite)}
        try:
            await self.service.store.sauver_adresse(
                Adresse(canal=CHANNEL, cle=cle[:400], donnees=donnees, horodatage=_maintenant())
            )
        except Exception:  # the turn goes on: the address is kept at the next activity
            log.exception("could not store a Teams conversation reference")

    async def _message(self, context: TurnContext, personne: str) -> None:
        activite = context.activity
        origine = Origin(channel=CHANNEL, conversation=_conversation(activite), user=personne)
        requete = f"teams-{activite.id or secrets.token_hex(8)}"[:200]
        personnelle = _personnelle(activite)
        evenement: Event
        clic = f"{personne}|{activite.reply_to_id}"
        if activite.value is not None and not (activite.text or "").strip():
            action = cartes.lire_action(activite.value)
            if action is None:
                return  # not one of our cards' submissions: nothing to do
            if isinstance(action, cartes.Formulaire):
                evenement = FormEvent(
                    origin=origine, request_id=requete, form=action.formulaire,
                    values=action.valeurs,
                )  # fmt: skip
            else:
                requete, _ = self._clics.requete(clic, action.payload, requete)
                evenement = ChoiceEvent(origin=origine, request_id=requete, payload=action.payload)
        else:
            texte = (
                (activite.text or "") if personnelle else activite.remove_recipient_mention()
            ).strip()
            if len(texte) > MAX_TYPED:
                avis = say(catalogue.MESSAGE_TROP_LONG.format(n=len(texte)))
                await self._livrer(context, personne, (avis,))
                return
            evenement = TextEvent(origin=origine, request_id=requete, text=texte or "aide")
        replies = await self.service.handle(evenement)
        if isinstance(evenement, ChoiceEvent) and self._clics.deja_repondu(clic, replies):
            return  # a double click: applied and answered once
        if not personnelle:
            nom = activite.from_property.name if activite.from_property else None
            await self._envoyer(
                context, [_texte_seul(catalogue.TEAMS_EN_PRIVE.format(nom=nom or ""))]
            )
        await self._livrer(context, personne, replies)

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
        if not _personnelle(activite):
            note = catalogue.TEAMS_CANAL_NOTE.format(conversation=activite.conversation.id)
            await self._envoyer(context, [_texte_seul(note)])
            return
        origine = Origin(channel=CHANNEL, conversation=_conversation(activite), user=personne)
        replies = await self.service.handle(
            CommandEvent(
                origin=origine, request_id=f"teams-{activite.id or secrets.token_hex(8)}"[:200],
                name="aide",
            )
        )  # fmt: skip
        await self._livrer(context, personne, replies)

    # --- sending ------------------------------------------------------------------------------

    async def _livrer(self, context: TurnContext, personne: str, replies: Iterable[Reply]) -> None:
        """Send each reply where it is addressed. A failure is logged: the records are stored."""
        activite = context.activity
        personnelle = _personnelle(activite)
        for reply in replies:
            if reply.fichier is not None:
                destinataire = reply.to.user if reply.to.kind == "user" and reply.to.user else None
                await self._proposer_fichier(context, destinataire or personne, reply)
                continue
            # The results conversation of the settings is the one proposed, where a form asks.
            message = propose(reply.message, "channel", self.settings.results_channel)
            envoi = activites(nommer(message, self._noms))
            if reply.to.kind == "results":
                await self._publier(context, reply)
            elif reply.to.kind == "user" and reply.to.user and reply.to.user != personne:
                await self._ecrire_a(reply.to.user, envoi, context)
            elif not personnelle:
                await self._ecrire_a(personne, envoi, context)
            elif reply.to.replace and activite.reply_to_id and activite.value is not None:
                # The clicked card, updated in place (its choice marked); Teams can only
                # update a message with one message, so any further part is posted.
                premiere = envoi[0].model_copy(update={"id": activite.reply_to_id})
                await _avec_reprises(lambda: context.update_activity(premiere))  # noqa: B023
                if envoi[1:]:
                    await self._envoyer(context, envoi[1:])
            else:
                await self._envoyer(context, envoi)

    async def _envoyer(self, context: TurnContext, envoi: list[Activity]) -> bool:
        """Send in order, each activity retried when the connector is busy; False if one failed."""
        for activite in envoi:
            if not await _avec_reprises(partial(context.send_activity, activite)):
                return False
        return True

    async def _ecrire_a(
        self, personne: str, envoi: list[Activity], context: TurnContext | None = None
    ) -> bool:
        """A proactive message to someone's personal chat (created if the bot has none yet)."""
        adresse = await self.service.store.adresse(CHANNEL, personne)
        if adresse is not None and await self._continuer(adresse, envoi):
            return True
        # No reference, or a stale one (the app uninstalled, the conversation gone): a new
        # one-to-one conversation, in the tenant of the activity at hand.
        if context is not None and await self._creer_conversation(context, personne, envoi):
            return True
        if context is not None and _personnelle(context.activity):
            # Unreachable: the sender is told who could not be reached (not what was for them).
            nom = self._noms.get(personne, personne)
            await self._envoyer(
                context, [_texte_seul(catalogue.TEAMS_INJOIGNABLE.format(personne=nom))]
            )
        return False

    async def _continuer(self, adresse: Adresse, envoi: list[Activity]) -> bool:
        try:
            reference = ConversationReference.model_validate(adresse.donnees)
        except ValidationError:
            log.warning("unreadable Teams address %s", adresse.cle)
            return False
        envoye = False

        async def rappel(context: TurnContext) -> None:
            nonlocal envoye
            envoye = await self._envoyer(context, envoi)

        try:
            await self.adapter.continue_conversation(
                self.app_id, reference.get_continuation_activity(), rappel
            )
        except Exception:
            log.exception("Teams proactive message failed")
            return False
        return envoye

    async def _creer_conversation(
        self, context: TurnContext, personne: str, envoi: list[Activity]
    ) -> bool:
        """A one-to-one conversation with someone who never wrote to the bot, in this tenant."""
        activite = context.activity
        tenant = _tenant(activite)
        if not tenant or not activite.service_url or activite.recipient is None:
            return False
        parametres = ConversationParameters(
            is_group=False,
            agent=activite.recipient,
            members=[ChannelAccount(id=personne)],
            tenant_id=tenant,
            channel_data={"tenant": {"id": tenant}},
        )
        envoye = False

        async def rappel(nouveau: TurnContext) -> None:
            nonlocal envoye
            envoye = await self._envoyer(nouveau, envoi)
            if envoye:  # the message first; the address is kept if the store takes it
                await self._garder(nouveau.activity, personne)

        try:
            await self.adapter.create_conversation(
                self.app_id, str(activite.channel_id or "msteams"), activite.service_url,
                BOT_FRAMEWORK_SCOPE, parametres, rappel,
            )  # fmt: skip
        except Exception:
            log.exception("Teams conversation could not be created")
            return False
        return envoye

    async def _publier(self, context: TurnContext, reply: Reply) -> None:
        """Post a result only in a private conversation the bot knows; else tell why."""
        cible = reply.to.target
        assert cible is not None  # a results destination always names its target
        titre = reply.message.summary[:80]
        adresse = await self.service.store.adresse(CHANNEL, _cle_conversation(cible))
        if adresse is None:
            await self._prevenir(context, catalogue.TEAMS_CANAL_INCONNU.format(
                evaluation=titre, canal=cible
            ), reply.to.responsables)  # fmt: skip
            return
        if not (adresse.donnees.get("cqp") or {}).get("prive"):
            await self._prevenir(context, catalogue.TEAMS_CANAL_PUBLIC.format(
                evaluation=titre, canal=cible
            ), reply.to.responsables)  # fmt: skip
            return
        await self._continuer(adresse, activites(nommer(reply.message, self._noms)))

    async def _prevenir(
        self, context: TurnContext, texte: str, responsables: tuple[str, ...] = ()
    ) -> None:
        """Tell the evaluation's coordinateurs (else the settings' ones) what could not be done."""
        avis = [_texte_seul(texte)]
        personne = self._qui(context.activity)
        destinataires = set(responsables) or self.settings.coordinateurs | self.settings.admins
        for coordinateur in sorted(destinataires):
            if coordinateur == personne and _personnelle(context.activity):
                await self._envoyer(context, avis)
            else:
                await self._ecrire_a(coordinateur, avis)

    # --- the jury's export: Teams' file consent --------------------------------------------

    async def _proposer_fichier(self, context: TurnContext, personne: str, reply: Reply) -> None:
        """Teams sends a bot's file only with the person's consent, into their OneDrive.

        The offer is a file consent card; the content waits in memory until the person
        accepts (``fileConsent/invoke``), then is uploaded to the URL Teams gives.
        """
        assert reply.fichier is not None
        ident = secrets.token_urlsafe(12)
        self._fichiers[ident] = (personne, reply.fichier)
        while len(self._fichiers) > FICHIERS_GARDES:
            self._fichiers.popitem(last=False)
        taille = len(reply.fichier.contenu.encode())
        offre = Activity(
            type="message",
            text=catalogue.TEAMS_FICHIER_PROPOSE.format(texte=reply.message.summary),
            text_format="plain",
            attachments=[Attachment(
                content_type=FILE_CONSENT, name=reply.fichier.nom,
                content={
                    "description": reply.message.summary[:200], "sizeInBytes": taille,
                    "acceptContext": {"cqp": ident}, "declineContext": {"cqp": ident},
                },
            )],
        )  # fmt: skip
        if personne == self._qui(context.activity) and _personnelle(context.activity):
            await self._envoyer(context, [offre])
        else:
            await self._ecrire_a(personne, [offre], context)

    async def _consentement(self, context: TurnContext, personne: str) -> None:
        valeur = _dict(context.activity.value)
        await context.send_activity(Activity(type="invokeResponse", value={"status": 200}))
        contexte = _dict(valeur.get("context"))
        ident = str(contexte.get("cqp") or "")
        attendu = self._fichiers.get(ident)
        if attendu is None or attendu[0] != personne:
            await self._envoyer(context, [_texte_seul(catalogue.TEAMS_FICHIER_EXPIRE)])
            return
        if valeur.get("action") != "accept":
            del self._fichiers[ident]
            await self._envoyer(context, [_texte_seul(catalogue.TEAMS_FICHIER_REFUSE)])
            return
        infos = _dict(valeur.get("uploadInfo"))
        url = str(infos.get("uploadUrl") or "")
        if not _url_de_depot(url, self.depot_local):
            log.warning("refused upload URL from a file consent")
            await self._envoyer(context, [_texte_seul(catalogue.TEAMS_ERREUR)])
            return
        del self._fichiers[ident]
        # Teams waits for the invoke's answer, which the SDK sends when the turn ends: the
        # upload goes on after it, and its outcome comes as a message.
        tache = asyncio.create_task(self._deposer(personne, attendu[1], url, infos))
        self._depots.add(tache)
        tache.add_done_callback(self._depots.discard)

    async def _deposer(
        self, personne: str, fichier: Fichier, url: str, infos: dict[str, Any]
    ) -> None:
        contenu = fichier.contenu.encode()
        if self._session is None:
            self._session = ClientSession(timeout=ClientTimeout(total=60))
        entetes = {
            "Content-Length": str(len(contenu)),
            "Content-Range": f"bytes 0-{len(contenu) - 1}/{len(contenu)}",
        }
        try:
            async with self._session.put(url, data=contenu, headers=entetes) as reponse:
                ok = reponse.status < 300
                if not ok:
                    log.warning("OneDrive upload refused: HTTP %s", reponse.status)
        except Exception:
            log.exception("OneDrive upload failed")
            ok = False
        if not ok:
            await self._ecrire_a(personne, [_texte_seul(catalogue.TEAMS_FICHIER_ECHEC)])
            return
        carte = Attachment(
            content_type=FILE_INFO, name=str(infos.get("name") or fichier.nom),
            content_url=str(infos.get("contentUrl") or ""),
            content={"uniqueId": infos.get("uniqueId"), "fileType": infos.get("fileType")},
        )  # fmt: skip
        await self._ecrire_a(personne, [
            Activity(type="message", attachments=[carte]),
            _texte_seul(catalogue.TEAMS_FICHIER_ENVOYE.format(nom=carte.name)),
        ])  # fmt: skip


async def _avec_reprises(appel: Callable[[], Awaitable[Any]]) -> bool:
    """Call the connector; when it says it is busy (429, 5xx), wait as told and try again.

    The SDK's connector client does not retry. The records are already stored when
    this runs: a message that still fails is logged, and the person gets the next one.
    """
    for essai in range(REPRISES + 1):
        try:
            await appel()
        except ClientResponseError as exc:
            if essai == REPRISES or not (exc.status == 429 or exc.status >= 500):
                log.warning("Teams connector refused a message: HTTP %s", exc.status)
                return False
            attente = str(exc.headers.get("Retry-After", "1")) if exc.headers else "1"
            await asyncio.sleep(min(float(attente) if attente.isdigit() else 1.0, 5.0))
        except Exception:
            log.exception("sending to Teams failed")
            return False
        else:
            return True
    return False


def _dict(valeur: object) -> dict[str, Any]:
    return valeur if isinstance(valeur, dict) else {}


def _texte(valeur: object) -> str | None:
    return valeur if isinstance(valeur, str) else None


def _texte_seul(texte: str) -> Activity:
    return Activity(type="message", text=texte, text_format="plain")


DOMAINES_ONEDRIVE = (".sharepoint.com", ".sharepoint.us", ".sharepoint.de", ".sharepoint.cn")
"""Where Teams' upload URLs point: the person's OneDrive, which is SharePoint."""


def _url_de_depot(url: str, local: bool = False) -> bool:
    """An upload URL Teams can have given: https to OneDrive (or, for tests, http on loopback).

    The URL comes in an (authenticated) invoke; the bot PUTs a candidate's file there, so
    it goes nowhere else.
    """
    morceaux = urlsplit(url)
    hote = (morceaux.hostname or "").lower()
    if morceaux.scheme == "https" and hote.endswith(DOMAINES_ONEDRIVE):
        return True
    return local and morceaux.scheme == "http" and hote in ("127.0.0.1", "localhost", "::1")


def _maintenant() -> datetime:
    return datetime.now(UTC)
