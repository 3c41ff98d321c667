"""Slack, as a thin channel: Slack payloads in, flows events through the service, Block Kit out.

Every interaction follows the same order, so that a click is never lost nor
half-applied: the event is validated and handled by the service (its
records durable in the store), *then* acknowledged to Slack (well within
its 3 seconds: a step takes about a millisecond), *then* the replies are
sent (``chat.update`` / ``chat.postMessage`` / ``respond``). If the store
refuses, the service's answer is « non enregistré » and nothing was
applied; a retry (Slack's, or the person's) applies once.

Idempotency: Slack's retries of an event carry the same ids, which become
the flows' request id; two clicks on the same button within
DOUBLE_CLICK_WINDOW seconds get the same request id, so the second one
changes nothing. Requests are authenticated by slack-bolt (signature and
a timestamp within 5 minutes, else 401); who may do what is decided by the
flows, so a forwarded button payload from an outsider is refused there.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from aiohttp import ClientSession, DummyCookieJar, web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.clics import Clics, DejaVus
from bot.slack import blockkit, mrkdwn
from bot.slack.settings import SlackSettings
from flows import catalogue
from flows.evaluation import Adresse
from flows.messages import (
    MAX_TYPED,
    ChoiceEvent,
    CommandEvent,
    Event,
    FormEvent,
    Message,
    Origin,
    Reply,
    TextEvent,
    TextInput,
    propose,
    say,
)
from flows.service import Service
from flows.store import RefusStore

CHANNEL = "slack"
NOMS_ATTENTE_MAX_S = 1.0
"""How long a modal's submission waits for Slack to name the people it picked (users.info)."""
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


class SlackChannel:
    """The slack-bolt app wired to the service, and the sending of replies."""

    CHANNEL = CHANNEL

    def __init__(
        self, service: Service, settings: SlackSettings, client: AsyncWebClient | None = None
    ) -> None:
        self.service = service
        self.settings = settings
        self.client = client or web_client(settings)
        self.app = AsyncApp(
            signing_secret=settings.signing_secret,
            client=self.client,
            # Each listener acks itself after the durable write, then hands the sending to a
            # task of its own: bolt need not poll for the ack, the response leaves at once.
            process_before_response=True,
        )
        self._dms: dict[str, str] = {}
        self._noms_connus: dict[str, str] = {}
        """People's names from ``users.info``, by user id (also kept in the store)."""
        self._clics = Clics()
        self._ordre: dict[str, asyncio.Lock] = {}
        self._fils: dict[tuple[str, str], str] = {}
        """Each shared discussion's thread, by group DM and discussion (also kept in the store:
        after a restart the discussion goes on in its thread)."""
        self._session_a_fermer = False
        self._evenements = DejaVus()
        self._envois: set[asyncio.Task[None]] = set()
        # Bolt tries the listeners in this order: a click, by far the most frequent, first.
        self.app.action(re.compile(f"^{re.escape(blockkit.ACTION_PREFIX)}"))(self._action)
        self.app.command("/cqp")(self._commande)
        self.app.view(blockkit.FORM_CALLBACK)(self._formulaire)
        self.app.event("message")(self._message)
        self.app.event("app_home_opened")(self._accueil)

    # --- the HTTP endpoint ----------------------------------------------------------------

    async def endpoint(self, request: web.Request) -> web.Response:
        reponse = await self.app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(reponse)

    def socket_mode(self, app_token: str) -> AsyncSocketModeHandler:
        """The same app over Socket Mode (no public address): events come through a WebSocket
        that Slack's ``apps.connections.open`` points to; the replies go out as over HTTP."""
        return AsyncSocketModeHandler(self.app, app_token)

    def mount(self, app: web.Application) -> None:
        app.router.add_post("/slack/events", self.endpoint)
        app.on_startup.append(self._ouvrir_session)
        app.on_shutdown.append(self._attendre_envois)
        app.on_cleanup.append(self._fermer_session)

    async def _ouvrir_session(self, app: web.Application) -> None:
        """One HTTP session (kept-alive connections) for every Web API call.

        Without it the SDK opens and closes a connection per call: a click's
        ``chat.update`` and ``chat.postMessage`` would each pay a TCP (and TLS) handshake.
        """
        if self.client.session is None:
            # Slack's Web API sets no cookie: none is kept, nor looked up for each call.
            self.client.session = ClientSession(cookie_jar=DummyCookieJar())
            self._session_a_fermer = True

    async def _fermer_session(self, app: web.Application) -> None:
        if self._session_a_fermer and self.client.session is not None:
            await self.client.session.close()
            self.client.session = None

    async def _attendre_envois(self, app: web.Application) -> None:
        if self._envois:
            await asyncio.wait(self._envois, timeout=10)

    # --- listeners --------------------------------------------------------------------------

    async def _commande(
        self, ack: Callable[..., Awaitable[None]], command: dict[str, Any], respond: AsyncRespond
    ) -> None:
        origine = Origin(
            channel=CHANNEL, conversation=command["channel_id"], user=command["user_id"]
        )
        # Cut only where a typed line is (flows.messages): a command too long is told so.
        texte = mrkdwn.lire(str(command.get("text") or "aide"))[:MAX_TYPED]
        evenement = CommandEvent.parse(origine, f"slack-cmd-{command['trigger_id']}"[:200], texte)
        if evenement is None:
            evenement_texte: Event = TextEvent(
                origin=origine, request_id=f"slack-cmd-{command['trigger_id']}"[:200], text=texte
            )
            replies = await self.service.handle(evenement_texte)
        else:
            replies = await self.service.handle(evenement)
        await ack()
        formulaire = _formulaire_a_ouvrir(replies)
        self._envoyer_ensuite(
            self._ouvrir_puis_livrer(
                command["trigger_id"] if formulaire else None, formulaire, command["channel_id"],
                lambda envoi: self.livrer(origine, envoi, respond=respond, ephemere=True),
                replies, seul=True,
            )
        )  # fmt: skip

    async def _action(
        self,
        ack: Callable[..., Awaitable[None]],
        body: dict[str, Any],
        action: dict[str, Any],
        respond: AsyncRespond,
    ) -> None:
        utilisateur = body["user"]["id"]
        conteneur = body.get("container") or {}
        canal = conteneur.get("channel_id") or (body.get("channel") or {}).get("id") or "accueil"
        message_ts = conteneur.get("message_ts")
        payload = str(action.get("value") or "")[:200]
        cle = f"{utilisateur}|{canal}|{message_ts}"
        # The same block of the same message (a critère's value buttons): a later click on it
        # was taken, so this one, made before and delivered after, changes nothing.
        if message_ts is not None and self._clics.perimee(
            f"{cle}|{action.get('block_id')}", _date(action.get("action_ts"))
        ):
            await ack()
            return
        requete, _ = self._clics.requete(
            cle, payload, f"slack-act-{action.get('action_ts')}-{utilisateur}"
        )
        origine = Origin(channel=CHANNEL, conversation=canal, user=utilisateur)
        replies = await self.service.handle(
            ChoiceEvent(origin=origine, request_id=requete[:200], payload=payload or "-")
        )
        await ack()
        formulaire = _formulaire_a_ouvrir(replies)
        if self._clics.deja_repondu(cle, replies):  # a double click: applied and answered once
            if formulaire is not None and body.get("trigger_id"):
                # A button that opens a form, clicked again (its modal closed meanwhile): the
                # modal again, with this click's trigger; nothing posted twice.
                self._envoyer_ensuite(
                    self._ouvrir_modal(str(body["trigger_id"]), formulaire, canal)
                )
            return
        ephemere = bool(conteneur.get("is_ephemeral"))
        self._envoyer_ensuite(
            self._ouvrir_puis_livrer(
                body.get("trigger_id") if formulaire else None, formulaire, canal,
                lambda envoi: self.livrer(
                    origine, envoi, respond=respond, ephemere=ephemere,
                    message_ts=None if ephemere else message_ts, depuis_clic=True,
                ),
                replies,
            )
        )  # fmt: skip

    async def _formulaire(
        self, ack: Callable[..., Awaitable[None]], body: dict[str, Any], view: dict[str, Any]
    ) -> None:
        utilisateur = body["user"]["id"]
        try:
            meta = json.loads(view.get("private_metadata") or "{}")
            formulaire, canal = str(meta["formulaire"]), str(meta["canal"])
        except (ValueError, KeyError, TypeError):
            await ack()
            return
        valeurs = blockkit.valeurs(view)
        obligatoires = [
            b["block_id"]
            for b in view.get("blocks", ())
            if b.get("type") == "input" and not b.get("optional") and b.get("block_id")
        ]
        vides = {
            nom: catalogue.CHAMP_OBLIGATOIRE
            for nom in obligatoires
            if not valeurs.get(nom, "").strip()
        }
        if vides:
            await ack(response_action="errors", errors=vides)
            return
        origine = Origin(channel=CHANNEL, conversation=canal, user=utilisateur)
        requete = f"slack-view-{view.get('id')}-{view.get('hash')}"[:200]
        noms = await self._noms(blockkit.personnes_choisies(view))
        replies = await self.service.handle(
            FormEvent(
                origin=origine, request_id=requete, form=formulaire, values=valeurs, names=noms
            )
        )
        champs = [b["block_id"] for b in view.get("blocks", ()) if b.get("type") == "input"]
        refus = next((r for r in replies if _non_enregistre(r)), None)
        if refus is not None and champs:
            # The store refused: the modal stays open with what was typed, and says why.
            await ack(response_action="errors", errors={champs[0]: refus.message.summary[:300]})
            return
        encore = _formulaire_a_ouvrir(replies)
        if encore is not None:
            # The flows refused some value: the same modal, with the flows' French list on top.
            await ack(
                response_action="update",
                view=blockkit.modal(encore[0].message, encore[1], {"canal": canal}),
            )
            replies = tuple(r for r in replies if r is not encore[0])
        else:
            await ack()
        self._envoyer_ensuite(self.livrer(origine, replies))

    async def _message(
        self, event: dict[str, Any], body: dict[str, Any], ack: Callable[..., Awaitable[None]]
    ) -> None:
        await ack()
        if self._deja_vu(body):
            return
        if (
            event.get("channel_type") not in ("im", "mpim")
            or event.get("bot_id")
            or not event.get("user")
            or event.get("subtype") not in (None, "file_share")
        ):
            return  # the bot's own messages, edits, joins…: nothing a person said to it
        discussion = event.get("channel_type") == "mpim"
        if discussion and not await self._fil_de_discussion(
            str(event["channel"]), str(event.get("thread_ts") or "")
        ):
            return  # a group DM's own chat: only the évaluateurs' discussion thread is read
        origine = Origin(channel=CHANNEL, conversation=event["channel"], user=event["user"])
        # As typed, not in Slack's encoding; people mentioned by the names the bot knows.
        brut = str(event.get("text") or "")
        await self._rappeler_noms(mrkdwn.mentions(brut))
        texte = mrkdwn.lire(brut, self._noms_connus)
        if event.get("subtype") == "file_share" or len(texte) > MAX_TYPED:
            # Said plainly rather than cut or dropped: nothing is recorded.
            avis = catalogue.SLACK_FICHIER if event.get("subtype") else catalogue.MESSAGE_TROP_LONG
            self._envoyer_ensuite(self.livrer(origine, (say(avis.format(n=len(texte))),)))
            return
        requete = f"slack-msg-{event.get('client_msg_id') or event.get('ts')}"[:200]
        replies = await self.service.handle(
            TextEvent(origin=origine, request_id=requete, text=texte, discussion=discussion)
        )
        self._envoyer_ensuite(self.livrer(origine, replies))

    async def _fil_de_discussion(self, canal: str, fil: str) -> bool:
        """Whether ``fil`` is a thread the bot started for two évaluateurs' reconciliation."""
        if not fil:
            return False
        if any(c == canal and ts == fil for (c, _), ts in self._fils.items()):
            return True
        prefixe = f"fil|{canal}|"
        return any(
            a.cle.startswith(prefixe) and a.donnees.get("ts") == fil
            for a in await self.service.store.adresses(CHANNEL)
        )

    async def _accueil(
        self, event: dict[str, Any], body: dict[str, Any], ack: Callable[..., Awaitable[None]]
    ) -> None:
        await ack()
        if self._deja_vu(body) or event.get("tab", "home") != "home":
            return
        utilisateur = event["user"]
        origine = Origin(channel=CHANNEL, conversation="accueil", user=utilisateur)
        replies = await self.service.handle(
            CommandEvent(
                origin=origine,
                request_id=f"slack-home-{utilisateur}-{event.get('event_ts')}"[:200],
                name="mes-evaluations",
            )
        )
        # The command's answer goes to the Home; a notice beside it (a proposal that expired,
        # what a flow still waits for) goes to the DM, never in place of the list.
        avis = [r for r in replies if r.aparte]
        liste = next(r for r in replies if not r.aparte)
        blocs: list[dict[str, Any]] = [
            {
                "type": "header",
                "text": {"type": "plain_text", "text": catalogue.SLACK_ACCUEIL_TITRE},
            }
        ]
        blocs.extend(blockkit.blocks(liste.message, "mes-"))
        if utilisateur in self.settings.coordinateurs | self.settings.admins:
            suivi = await self.service.handle(
                CommandEvent(
                    origin=origine, name="statut",
                    request_id=f"slack-home-statut-{utilisateur}-{event.get('event_ts')}"[:200],
                )
            )  # fmt: skip
            blocs.append({"type": "divider"})
            blocs.append(
                {"type": "header", "text": {"type": "plain_text", "text": catalogue.SLACK_SUIVI}}
            )
            avis += [r for r in suivi if r.aparte]
            etat = next(r for r in suivi if not r.aparte)
            blocs.extend(blockkit.blocks(etat.message, "suivi-"))
        self._envoyer_ensuite(
            self._appeler(
                self.client.views_publish, user_id=utilisateur,
                view={"type": "home", "blocks": blocs[:100]},
            )
        )  # fmt: skip
        if avis:
            self._envoyer_ensuite(self.livrer(origine, avis))

    async def _noms(self, utilisateurs: Iterable[str]) -> dict[str, str]:
        """People's names (``users.info``), for those a modal's pickers give by id only.

        Looked up before the ack, so within NOMS_ATTENTE_MAX_S: a person Slack does not
        name in time keeps their id as name (the evaluation is created all the same).
        """
        inconnus = [u for u in dict.fromkeys(utilisateurs) if u not in self._noms_connus]
        if inconnus:

            async def nommer(utilisateur: str) -> None:
                try:
                    reponse = await self.client.users_info(user=utilisateur)
                except Exception as exc:  # a name is a nicety: never a reason to refuse
                    log.warning("users.info %s: %s", utilisateur, exc)
                    return
                personne = reponse.get("user") or {}
                profil = personne.get("profile") or {}
                nom = (
                    profil.get("real_name") or personne.get("real_name")
                    or profil.get("display_name") or personne.get("name")
                )  # fmt: skip
                if nom:
                    self._noms_connus[utilisateur] = str(nom)[:200]
                    await self._retenir(f"nom|{utilisateur}", {"nom": str(nom)[:200]})

            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(NOMS_ATTENTE_MAX_S):  # all of them, at once
                    await asyncio.gather(*(nommer(u) for u in inconnus))
        return {u: self._noms_connus[u] for u in utilisateurs if u in self._noms_connus}

    async def _rappeler_noms(self, utilisateurs: Iterable[str]) -> None:
        """The names the store kept of people the bot met before a restart."""
        for utilisateur in utilisateurs:
            if utilisateur not in self._noms_connus:
                adresse = await self.service.store.adresse(CHANNEL, f"nom|{utilisateur}")
                if adresse is not None:
                    self._noms_connus[utilisateur] = str(adresse.donnees.get("nom", ""))[:200]

    async def _retenir(self, cle: str, donnees: dict[str, str]) -> None:
        """Keep what the bot learnt of Slack (a name, a thread) across restarts."""
        adresse = Adresse(canal=CHANNEL, cle=cle, donnees=donnees, horodatage=datetime.now(UTC))
        try:
            await self.service.store.sauver_adresse(adresse)
        except RefusStore as exc:  # a nicety: it stays in memory, the bot goes on
            log.warning("keeping %s: %s", cle, exc)

    def _envoyer_ensuite(self, envoi: Awaitable[Any]) -> None:
        """Send after the response to Slack, in a task kept until it ends (shutdown waits)."""

        async def envoyer() -> None:
            try:
                await envoi
            except Exception:  # a sending problem is logged; the records are stored
                log.exception("sending to Slack failed")

        tache = asyncio.create_task(envoyer())
        self._envois.add(tache)
        tache.add_done_callback(self._envois.discard)

    def _deja_vu(self, body: dict[str, Any]) -> bool:
        """Whether Slack already delivered this event (a retry, X-Slack-Retry-Num): once only."""
        identifiant = str(body.get("event_id") or "")
        return bool(identifiant) and self._evenements.deja_vu(identifiant)

    # --- sending -------------------------------------------------------------------------

    async def _ouvrir_puis_livrer(
        self,
        trigger_id: str | None,
        formulaire: tuple[Reply, str] | None,
        canal: str,
        livrer: Callable[[tuple[Reply, ...]], Awaitable[None]],
        replies: tuple[Reply, ...],
        seul: bool = False,
    ) -> None:
        """After the ack: the modal first (its trigger lasts 3 s), then the replies.

        The form is also posted, so that its other buttons (« Passer », « Retour ») and its
        « Envoyer », which opens the modal again, stay at hand once the modal is closed —
        but not with ``seul`` (a slash command's form, which has no other button). A modal
        that cannot open (Slack slow or down) is logged, and the form is posted whatever.
        """
        if trigger_id and formulaire is not None:
            try:
                ouvert = await self._ouvrir_modal(trigger_id, formulaire, canal)
            except Exception:
                log.exception("views.open failed")
                ouvert = False
            if ouvert and seul:
                replies = tuple(r for r in replies if r is not formulaire[0])
        await livrer(replies)

    async def _ouvrir_modal(
        self, trigger_id: str, formulaire: tuple[Reply, str], canal: str
    ) -> bool:
        # The results channel of the settings is the one proposed, where a form asks for one.
        message = propose(formulaire[0].message, "channel", self.settings.results_channel)
        vue = blockkit.modal(message, formulaire[1], {"canal": canal})
        return (
            await self._appeler(self.client.views_open, trigger_id=trigger_id, view=vue) is not None
        )

    async def _dans_le_fil(
        self, reply: Reply, de: str, pour: str, texte: str, blocs: list[dict[str, Any]]
    ) -> bool:
        """Post in the thread both évaluateurs share (a group DM); False if it cannot be opened.

        The first message of a discussion starts the thread; the next ones answer in it, the
        addressee named so that Slack notifies them.
        """
        assert reply.fil is not None
        groupe = await self._appeler(self.client.conversations_open, users=f"{de},{pour}")
        if groupe is None:
            return False
        canal = str(groupe["channel"]["id"])
        mention = {"type": "section", "text": {"type": "mrkdwn", "text": f"<@{pour}>"}}
        fil = self._fils.get((canal, reply.fil))
        if fil is None and (connu := await self.service.store.adresse(
            CHANNEL, f"fil|{canal}|{reply.fil}"
        )):  # fmt: skip
            fil = self._fils[(canal, reply.fil)] = str(connu.donnees.get("ts"))
        envoye = await self._appeler(
            self.client.chat_postMessage, channel=canal, text=texte, blocks=[mention, *blocs],
            thread_ts=fil,
        )  # fmt: skip
        if envoye is None:
            return False
        if fil is None:
            self._fils[(canal, reply.fil)] = str(envoye["ts"])
            await self._retenir(f"fil|{canal}|{reply.fil}", {"ts": str(envoye["ts"])})
        return True

    async def _dm(self, utilisateur: str) -> str | None:
        if utilisateur not in self._dms:
            reponse = await self._appeler(self.client.conversations_open, users=utilisateur)
            if reponse is None:
                return None
            self._dms[utilisateur] = str(reponse["channel"]["id"])
        return self._dms[utilisateur]

    async def livrer(
        self,
        origine: Origin,
        replies: Iterable[Reply],
        respond: AsyncRespond | None = None,
        ephemere: bool = False,
        message_ts: str | None = None,
        depuis_clic: bool = False,
    ) -> None:
        """Send each reply where it is addressed. A failure is logged: the records are stored.

        One person's replies go out in the order of their events (a lock per person,
        taken in the order the sending tasks were created).
        """
        verrou = self._ordre.setdefault(origine.user, asyncio.Lock())
        async with verrou:
            await self._livrer(origine, replies, respond, ephemere, message_ts, depuis_clic)

    async def _livrer(
        self,
        origine: Origin,
        replies: Iterable[Reply],
        respond: AsyncRespond | None,
        ephemere: bool,
        message_ts: str | None,
        depuis_clic: bool,
    ) -> None:
        for reply in replies:
            texte, blocs = mrkdwn.echapper(reply.message.summary), blockkit.blocks(reply.message)
            if reply.fichier is not None:
                # The jury's export: uploaded to the person's DM, never to a channel.
                destinataire = reply.to.user if reply.to.kind == "user" and reply.to.user else None
                dm = await self._dm(destinataire or origine.user)
                if dm is not None:
                    await self._appeler(
                        self.client.files_upload_v2, channel=dm, filename=reply.fichier.nom,
                        title=reply.fichier.nom, content=reply.fichier.contenu,
                        initial_comment=texte,
                    )  # fmt: skip
                if (
                    dm is not None
                    and ephemere
                    and respond is not None
                    and dm != origine.conversation
                ):
                    # Asked in a channel: said there, for this person only, where it went.
                    avis = catalogue.SLACK_FICHIER_EN_PRIVE.format(nom=reply.fichier.nom)
                    await self._appeler(respond, text=avis, response_type="ephemeral")
                continue
            if reply.to.kind == "results":
                await self._publier_resultat(reply, origine)
            elif (
                reply.to.kind == "user" and reply.to.user and reply.to.user != origine.user
                and reply.fil is not None
                and await self._dans_le_fil(reply, origine.user, reply.to.user, texte, blocs)
            ):  # fmt: skip
                continue
            elif reply.to.kind == "user" and reply.to.user and reply.to.user != origine.user:
                canal = await self._dm(reply.to.user)
                if canal is not None:
                    await self._appeler(
                        self.client.chat_postMessage, channel=canal, text=texte, blocks=blocs
                    )
            elif ephemere and respond is not None and (reply.to.replace or not depuis_clic):
                # A slash command's answer (a lookup, a list) stays where it was asked, for this
                # user only; a click in such an answer may update it, but what follows (a grid's
                # question) goes to the DM, where it stays.
                await self._appeler(
                    respond, text=texte, blocks=blocs, response_type="ephemeral",
                    replace_original=reply.to.replace,
                )  # fmt: skip
            else:
                # The person's own DM, as Slack names it to us: never a conversation a payload
                # names (a forged or replayed one could name someone else's DM).
                canal = await self._dm(origine.user)
                if canal is None:
                    continue
                if reply.to.replace and message_ts is not None and canal == origine.conversation:
                    await self._appeler(
                        self.client.chat_update, channel=canal, ts=message_ts, text=texte,
                        blocks=blocs,
                    )  # fmt: skip
                else:
                    await self._appeler(
                        self.client.chat_postMessage, channel=canal, text=texte, blocks=blocs
                    )

    async def _publier_resultat(self, reply: Reply, origine: Origin) -> None:
        """Post a result only in a private channel; otherwise tell the coordinateurs why not."""
        canal = reply.to.target
        assert canal is not None  # a results destination always names its target
        info = await self._appeler(self.client.conversations_info, channel=canal)
        if info is None:
            await self._prevenir(
                catalogue.SLACK_CANAL_INTROUVABLE.format(canal=canal, erreur="—"),
                reply.to.responsables,
            )
            return
        conversation = info["channel"]
        if not (
            conversation.get("is_private")
            or conversation.get("is_im")
            or conversation.get("is_mpim")
        ):
            await self._prevenir(
                catalogue.SLACK_CANAL_PUBLIC.format(evaluation=_titre(reply.message), canal=canal),
                reply.to.responsables,
            )
            return
        await self._appeler(
            self.client.chat_postMessage, channel=canal,
            text=mrkdwn.echapper(reply.message.summary), blocks=blockkit.blocks(reply.message),
        )  # fmt: skip

    async def _prevenir(self, texte: str, responsables: tuple[str, ...] = ()) -> None:
        """Tell the evaluation's coordinateurs (else the settings' ones) what could not be done."""
        for coordinateur in sorted(
            set(responsables) or self.settings.coordinateurs | self.settings.admins
        ):
            canal = await self._dm(coordinateur)
            if canal is not None:
                await self._appeler(
                    self.client.chat_postMessage, channel=canal, text=mrkdwn.echapper(texte)
                )

    async def _appeler(self, methode: Callable[..., Awaitable[Any]], **args: Any) -> Any | None:
        """A Web API call (slack_sdk retries a rate limit or a dropped link); an error Slack
        answers is logged, and None returned: the records are stored whatever."""
        try:
            return await methode(**args)
        except SlackApiError as exc:
            donnees = exc.response.data if isinstance(exc.response.data, dict) else {}
            log.warning("Slack API %s: %s", getattr(methode, "__name__", "?"), donnees.get("error"))
            return None


_NON_ENREGISTRE = catalogue.CMD_NON_ENREGISTRE.split("{", 1)[0]


def _non_enregistre(reply: Reply) -> bool:
    """The service's answer when the store refused: nothing was applied, the user may retry."""
    return reply.to.kind == "origin" and reply.message.summary.startswith(_NON_ENREGISTRE)


def _date(action_ts: Any) -> float | None:
    """Slack's time of a click (``action_ts``, seconds as a string); None if unreadable."""
    try:
        return float(action_ts)
    except (TypeError, ValueError):
        return None


def _titre(message: Message) -> str:
    return message.summary[:80]


def _formulaire_a_ouvrir(replies: tuple[Reply, ...]) -> tuple[Reply, str] | None:
    """The form to open as a modal, with its name: a form that is the whole answer to the origin.

    « /cqp nouvelle », « Saisir un entretien », the comment after NA, a prompt's « Envoyer »:
    the answer is the form alone, opened as a modal at once (and posted as well, so that its
    other buttons — « Passer », « Retour » — and its « Envoyer », which opens the modal again,
    stay at hand if the modal is closed). A form that comes with other replies (the précisions
    prompt after the last critère of a compétence) is only posted; its button opens the modal.
    """
    # The clicked message updated in place (its choice marked) does not count: after NA, the
    # question is marked and the comment's form is the answer.
    a_l_origine = [r for r in replies if r.to.kind == "origin" and not r.to.replace]
    if len(a_l_origine) != 1:
        return None
    for reply in a_l_origine:
        if not any(isinstance(b, TextInput) for b in reply.message.blocks):
            continue
        for bloc in reply.message.blocks:
            for bouton in getattr(bloc, "buttons", ()):
                nom = blockkit.formulaire_de(bouton.payload)
                if nom is not None:
                    return reply, nom
    return None
