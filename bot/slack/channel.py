"""Slack, as a thin channel: Slack payloads in, flows events through the service, Block Kit out.

Every interaction follows the same order, so that a click is never lost nor
half-applied: the event is validated and handled by the service (its
records durable in the store), *then* acknowledged to Slack (well within
its 3 seconds: a step takes about a millisecond), *then* the replies are
sent, through :mod:`bot.delivery` (which decides where each goes) and
:mod:`bot.slack.transport` (``chat.update`` / ``chat.postMessage`` / ``respond``). If the store
refuses, the service's answer is « non enregistré » and nothing was
applied; a retry (Slack's, or the person's) applies once.

Idempotency: Slack's retries of an event carry the same ids, which become
the flows' request id; a double click is recognised by the service from the
clicked message and Slack's ``action_ts`` (:mod:`flows.clics`), so the second
click changes nothing, and its replies are not sent again. Requests are
authenticated by slack-bolt (signature and a timestamp within 5 minutes,
else 401); who may do what is decided by the flows, so a forwarded button
payload from an outsider is refused there.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import ClientSession, DummyCookieJar, web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.delivery import Delivery
from bot.slack import accueil, blockkit, mrkdwn
from bot.slack.names import Names
from bot.slack.settings import SlackSettings
from bot.slack.transport import CHANNEL, SlackAt, SlackTransport, web_client
from flows import catalogue
from flows.messages import (
    MAX_TYPED,
    ChoiceEvent,
    CommandEvent,
    Event,
    FormEvent,
    Origin,
    Reply,
    TextEvent,
    propose,
    say,
)
from flows.outbox import Pending
from flows.service import Service

log = logging.getLogger(__name__)


class SlackChannel:
    """The slack-bolt app wired to the service; replies go out through :mod:`bot.delivery`."""

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
        self.transport = SlackTransport(self.client, service.store)
        self.delivery = Delivery(self.transport, service, settings.coordinateurs | settings.admins)
        self.names = Names(self.transport)
        self._close_session = False
        self._sending: set[asyncio.Task[None]] = set()
        # Bolt tries the listeners in this order: a click, by far the most frequent, first.
        self.app.action(re.compile(f"^{re.escape(blockkit.ACTION_PREFIX)}"))(self._action)
        self.app.command("/cqp")(self._command)
        self.app.view(blockkit.FORM_CALLBACK)(self._form)
        self.app.event("message")(self._message)
        self.app.event("app_home_opened")(self._home)

    # --- the HTTP endpoint ----------------------------------------------------------------

    async def endpoint(self, request: web.Request) -> web.Response:
        response = await self.app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    def socket_mode(self, app_token: str) -> AsyncSocketModeHandler:
        """The same app over Socket Mode (no public address): events come through a WebSocket
        that Slack's ``apps.connections.open`` points to; the replies go out as over HTTP."""
        return AsyncSocketModeHandler(self.app, app_token)

    def mount(self, app: web.Application) -> None:
        app.router.add_post("/slack/events", self.endpoint)
        app.on_startup.append(self._open_session)
        app.on_startup.append(self._resume)
        app.on_shutdown.append(self._wait_for_sending)
        app.on_cleanup.append(self._end_session)

    async def _open_session(self, app: web.Application) -> None:
        """One HTTP session (kept-alive connections) for every Web API call.

        Without it the SDK opens and closes a connection per call: each ``chat.update``
        of a card would pay a TCP (and TLS) handshake.
        """
        if self.client.session is None:
            # Slack's Web API sets no cookie: none is kept, nor looked up for each call.
            self.client.session = ClientSession(cookie_jar=DummyCookieJar())
            self._close_session = True

    async def _resume(self, app: web.Application) -> None:
        """What a crash kept from going out goes out now, in the background: a click's card
        updated in place (the answer to a slash command goes to the DM, its response_url
        being gone)."""

        def at(pending: Pending) -> SlackAt:
            return SlackAt(pending.origin, message_ts=pending.message, click=True)

        self._send_after(self.delivery.resume(CHANNEL, at))

    async def _end_session(self, app: web.Application) -> None:
        if self._close_session and self.client.session is not None:
            await self.client.session.close()
            self.client.session = None

    async def _wait_for_sending(self, app: web.Application) -> None:
        if self._sending:
            await asyncio.wait(self._sending, timeout=10)

    # --- listeners --------------------------------------------------------------------------

    async def _command(
        self, ack: Callable[..., Awaitable[None]], command: dict[str, Any], respond: AsyncRespond
    ) -> None:
        origine = Origin(
            channel=CHANNEL, conversation=command["channel_id"], user=command["user_id"]
        )
        requete = f"slack-cmd-{command['trigger_id']}"[:200]
        # Cut only where a typed line is (flows.messages): a command too long is told so.
        texte = mrkdwn.lire(str(command.get("text") or "aide"))[:MAX_TYPED]
        evenement: Event = CommandEvent.parse(origine, requete, texte) or TextEvent(
            origin=origine, request_id=requete, text=texte
        )
        replies = await self.service.handle(evenement)
        await ack()
        at = SlackAt(origine, respond=respond, ephemeral=True)
        formulaire = _form_to_open(replies)
        trigger = command["trigger_id"] if formulaire else None
        self._send_after(self._open_then_deliver(trigger, formulaire, at, replies, requete, True))

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
        clique = message_ts or conteneur.get("view_id")  # a message, or the App Home's view
        payload = str(action.get("value") or "")[:200]
        origine = Origin(channel=CHANNEL, conversation=canal, user=utilisateur)
        ephemere = bool(conteneur.get("is_ephemeral"))
        requete = f"slack-act-{action.get('action_ts')}-{utilisateur}"[:200]
        # The clicked message and Slack's time of the click: a double click is one request,
        # and a click that arrives after a later one changes nothing (flows.clics).
        replies = await self.service.handle(
            ChoiceEvent(
                origin=origine, request_id=requete, payload=payload or "-",
                message=clique, clicked_at=_date(action.get("action_ts")),
            )
        )  # fmt: skip
        await ack()
        formulaire = _form_to_open(replies)
        trigger = body.get("trigger_id") if formulaire else None
        if await self.delivery.delivered(origine, requete):  # a double click: answered once
            if formulaire is not None and trigger:
                # A button that opens a form, clicked again (its modal closed meanwhile): the
                # modal again, with this click's trigger; nothing posted twice.
                self._send_after(self._open_modal(str(trigger), formulaire, canal))
            return
        at = SlackAt(
            origine, respond=respond, ephemeral=ephemere, click=True,
            message_ts=None if ephemere else message_ts,
        )  # fmt: skip
        self._send_after(self._open_then_deliver(trigger, formulaire, at, replies, requete))

    async def _form(
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
        champs = [b for b in view.get("blocks", ()) if b.get("type") == "input"]
        vides = {
            b["block_id"]: catalogue.CHAMP_OBLIGATOIRE
            for b in champs
            if not b.get("optional") and b.get("block_id")
            and not valeurs.get(b["block_id"], "").strip()
        }  # fmt: skip
        if vides:
            await ack(response_action="errors", errors=vides)
            return
        origine = Origin(channel=CHANNEL, conversation=canal, user=utilisateur)
        requete = f"slack-view-{view.get('id')}-{view.get('hash')}"[:200]
        noms = await self.names.lookup(blockkit.personnes_choisies(view))
        replies = await self.service.handle(
            FormEvent(
                origin=origine, request_id=requete, form=formulaire, values=valeurs, names=noms
            )
        )
        refus = next((r for r in replies if r.refused), None)
        if refus is not None and champs:
            # The store refused: the modal stays open with what was typed, and says why.
            erreurs = {champs[0]["block_id"]: refus.message.summary[:300]}
            await ack(response_action="errors", errors=erreurs)
            return
        encore = _form_to_open(replies)
        if encore is not None:
            # The flows refused some value: the same modal, with the flows' French list on top.
            await ack(
                response_action="update",
                view=blockkit.modal(encore[0].message, encore[1], {"canal": canal}),
            )
            replies = tuple(r for r in replies if r is not encore[0])
        else:
            await ack()
        self._send_after(self.delivery.deliver(origine, replies, SlackAt(origine), requete))

    async def _message(
        self, event: dict[str, Any], body: dict[str, Any], ack: Callable[..., Awaitable[None]]
    ) -> None:
        await ack()
        if (
            event.get("channel_type") not in ("im", "mpim")
            or event.get("bot_id")
            or not event.get("user")
            or event.get("subtype") not in (None, "file_share")
        ):
            return  # the bot's own messages, edits, joins…: nothing a person said to it
        discussion = event.get("channel_type") == "mpim"
        if discussion and not await self.transport.thread_of(
            str(event["channel"]), str(event.get("thread_ts") or "")
        ):
            return  # a group DM's own chat: only the évaluateurs' discussion thread is read
        origine = Origin(channel=CHANNEL, conversation=event["channel"], user=event["user"])
        requete = f"slack-msg-{event.get('client_msg_id') or event.get('ts')}"[:200]
        at = SlackAt(origine)
        # As typed, not in Slack's encoding; people mentioned by the names the bot knows.
        brut = str(event.get("text") or "")
        await self.names.recall(mrkdwn.mentions(brut))
        texte = mrkdwn.lire(brut, self.names.known)
        if event.get("subtype") == "file_share":  # said plainly rather than dropped
            replies: tuple[Reply, ...] = (say(catalogue.SLACK_FICHIER),)
        else:  # an overlong text is cut and only answered so, by the service (told once)
            replies = await self.service.handle(
                TextEvent(origin=origine, request_id=requete, text=texte[:MAX_TYPED],
                          trop_long=len(texte) if len(texte) > MAX_TYPED else 0,
                          discussion=discussion)
            )  # fmt: skip
        self._send_after(self.delivery.deliver(origine, replies, at, requete))

    async def _home(
        self, event: dict[str, Any], body: dict[str, Any], ack: Callable[..., Awaitable[None]]
    ) -> None:
        await ack()
        if event.get("tab", "home") != "home":
            return
        utilisateur = event["user"]
        origine = Origin(channel=CHANNEL, conversation="accueil", user=utilisateur)
        requete = f"slack-home-{utilisateur}-{event.get('event_ts')}"[:200]
        # Built again at each opening: the dashboard, the evaluations, the follow-up as of now.
        suivi = utilisateur in self.settings.coordinateurs | self.settings.admins
        vue, avis = await accueil.vue(self.service, origine, requete, suivi)
        self._send_after(self._publish_home(origine, vue, avis, requete))

    async def _publish_home(
        self, origine: Origin, vue: dict[str, Any], avis: list[Reply], requete: str
    ) -> None:
        """The Home published, the notices sent to the DM; then both requests noted as
        answered, so that a restart sends none of it again."""
        await self.transport.call(self.client.views_publish, user_id=origine.user, view=vue)
        if avis:
            await self.delivery.deliver(origine, avis, SlackAt(origine), requete)
        for answered in (requete, f"{requete}-statut"[:200]):
            await self.service.outbox.sent(origine, answered)

    # --- sending -------------------------------------------------------------------------

    def _send_after(self, envoi: Awaitable[Any]) -> None:
        """Send after the response to Slack, in a task kept until it ends (shutdown waits)."""

        async def envoyer() -> None:
            try:
                await envoi
            except Exception:  # a sending problem is logged; the records are stored
                log.exception("sending to Slack failed")

        tache = asyncio.create_task(envoyer())
        self._sending.add(tache)
        tache.add_done_callback(self._sending.discard)

    async def _open_then_deliver(
        self,
        trigger_id: str | None,
        formulaire: tuple[Reply, str] | None,
        at: SlackAt,
        replies: tuple[Reply, ...],
        requete: str,
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
                ouvert = await self._open_modal(trigger_id, formulaire, at.origin.conversation)
            except Exception:
                log.exception("views.open failed")
                ouvert = False
            if ouvert and seul:
                replies = tuple(r for r in replies if r is not formulaire[0])
        await self.delivery.deliver(at.origin, replies, at, requete)

    async def _open_modal(self, trigger_id: str, formulaire: tuple[Reply, str], canal: str) -> bool:
        # The results channel of the settings is the one proposed, where a form asks for one.
        message = propose(formulaire[0].message, "channel", self.settings.results_channel)
        vue = blockkit.modal(message, formulaire[1], {"canal": canal})
        ouvert = await self.transport.call(self.client.views_open, trigger_id=trigger_id, view=vue)
        return ouvert is not None


def _date(action_ts: Any) -> float | None:
    """Slack's time of a click (``action_ts``, seconds as a string); None if unreadable."""
    try:
        return float(action_ts)
    except (TypeError, ValueError):
        return None


def _form_to_open(replies: tuple[Reply, ...]) -> tuple[Reply, str] | None:
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
    if len(a_l_origine) != 1 or a_l_origine[0].message.form is None:
        return None
    return a_l_origine[0], a_l_origine[0].message.form
