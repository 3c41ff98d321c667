"""The bot's one aiohttp server: ``/healthz``, the web chat, Slack and Teams.

:func:`create_app` builds the application from parts that already exist
(a service over an open store, the local users), so that tests run it with
aiohttp's test client; :func:`serve` opens the store, listens, and closes
everything on Ctrl+C or SIGTERM.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from bot.memory import settle_memory
from bot.settings import Settings
from bot.slack.channel import SlackChannel
from bot.slack.settings import SlackSettings
from bot.teams.settings import TeamsSettings
from bot.web.access import Invitations, Sessions, secret_key
from bot.web.annuaire import Annuaire, Role
from bot.web.chat import WebChat, voit_resultats
from bot.web.hub import Hub
from bot.web.inscriptions import routes as inscriptions_routes
from flows import catalogue
from flows.service import Service
from flows.store import Store
from referentiel import default as referentiel_par_defaut
from storage import open_store

WEB_DIR = "web"
"""Sub-directory of the data directory for the web chat's secret key and sign-in nonces."""

CHAT = web.AppKey("chat", WebChat)
CANAUX = web.AppKey("canaux", tuple[str, ...])

SECURITE = {
    "Content-Security-Policy": (
        "default-src 'self'; connect-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # a sign-in link must not leak through a Referer header
    "X-Frame-Options": "DENY",
}


@web.middleware
async def _entetes(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        exc.headers.update(SECURITE)
        raise
    if not response.prepared:
        response.headers.update(SECURITE)
    return response


class Channel(Protocol):
    """A channel that mounts its routes on the server (Slack, Teams)."""

    CHANNEL: str

    def mount(self, app: web.Application) -> None: ...


async def _healthz(request: web.Request) -> web.Response:
    canaux = {"web": True, "slack": False, "teams": False}
    actifs: tuple[str, ...] = request.app[CANAUX]
    canaux.update(dict.fromkeys(actifs, True))
    return web.json_response({"statut": "ok", "canaux": canaux})


def create_app(
    service: Service,
    annuaire: Annuaire,
    donnees: Path,
    local: bool,
    canaux: Sequence[Channel] = (),
    public_url: str | None = None,
) -> web.Application:
    """The application: health check, web chat, and the other configured channels."""
    app = web.Application(middlewares=[_entetes], client_max_size=1024 * 1024)
    app.router.add_get("/healthz", _healthz)
    app[CANAUX] = tuple(c.CHANNEL for c in canaux)
    for canal in canaux:
        canal.mount(app)
    cle = secret_key(donnees / WEB_DIR)
    chat = WebChat(
        service=service,
        annuaire=annuaire,
        sessions=Sessions(cle),
        invitations=Invitations(donnees / WEB_DIR, cle),
        local=local,
        hub=Hub(voit_resultats(annuaire)),
        public_url=public_url,
    )
    chat.routes(app)
    inscriptions_routes(app, chat)
    app[CHAT] = chat
    return app


def service_for(
    store: Store,
    annuaire: Annuaire,
    coordinateurs: frozenset[str] = frozenset(),
    admins: frozenset[str] = frozenset(),
) -> Service:
    """The application service; the local users' roles and the channels' settings give rights."""
    admins = admins | annuaire.ids(Role.ADMIN)
    return Service(
        store,
        referentiel_par_defaut(),
        horloge=lambda: datetime.now(UTC),
        admins=admins,
        coordinateurs=coordinateurs | annuaire.ids(Role.COORDINATEUR) | admins,
    )


async def serve(
    settings: Settings,
    annuaire: Annuaire,
    dire: Callable[[str], None],
    pret: Callable[[WebChat], Awaitable[None]] | None = None,
    slack: SlackSettings | None = None,
    socket_mode: bool = False,
    teams: TeamsSettings | None = None,
) -> None:
    """Listen until Ctrl+C or SIGTERM, then close the store (every write already durable)."""
    store = await open_store(settings.data_dir)
    if store.conversion is not None:
        c = store.conversion
        dire(catalogue.conversion(settings.data_dir, c.evaluations, c.conversations, c.sauvegarde))
    runner: web.AppRunner | None = None
    socket: AsyncSocketModeHandler | None = None
    try:
        slack = slack or SlackSettings()
        teams = teams or TeamsSettings()
        service = service_for(
            store, annuaire, slack.coordinateurs | teams.coordinateurs, slack.admins | teams.admins
        )
        canal_slack = SlackChannel(service, slack) if slack.active else None
        canaux: list[Channel] = [] if canal_slack is None else [canal_slack]
        if teams.active:
            from bot.teams.channel import TeamsChannel  # the SDK loads only when Teams is on

            canaux.append(TeamsChannel(service, teams))
        app = create_app(
            service, annuaire, settings.data_dir, settings.loopback, canaux, settings.public_url
        )
        if pret is not None:
            await pret(app[CHAT])
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        settle_memory()
        site = web.TCPSite(runner, settings.host, settings.port)
        try:
            await site.start()
        except OSError as exc:
            raise PortUnavailable(
                catalogue.SERVE_PORT_PRIS.format(
                    hote=settings.host, port=settings.port, detail=exc.strerror or exc
                )
            ) from None
        arret = asyncio.Event()
        boucle = asyncio.get_running_loop()
        for signe in (signal.SIGINT, signal.SIGTERM):
            boucle.add_signal_handler(signe, arret.set)
        dire(catalogue.SERVE_LOCAL if settings.loopback else catalogue.SERVE_RESEAU)
        if not annuaire.personnes:
            dire(catalogue.SERVE_SANS_UTILISATEURS.format(fichier=settings.annuaire))
        dire(catalogue.SERVE_CANAUX)
        dire(catalogue.SLACK_ACTIF if canal_slack is not None else catalogue.SLACK_INACTIF)
        if teams.dev_sans_auth:
            dire(catalogue.TEAMS_DEV)
        else:
            dire(catalogue.TEAMS_ACTIF if teams.active else catalogue.TEAMS_INACTIF)
        if canal_slack is not None and socket_mode:
            assert slack.app_token is not None  # checked with the settings
            socket = canal_slack.socket_mode(slack.app_token)
            await socket.connect_async()  # type: ignore[no-untyped-call]
            dire(catalogue.SLACK_SOCKET)
        dire(catalogue.SERVE_PRET.format(url=settings.url))
        await arret.wait()
        dire(catalogue.SERVE_ARRET)
    finally:
        if socket is not None:
            await socket.close_async()  # type: ignore[no-untyped-call]
        if runner is not None:
            await runner.cleanup()
        await store.fermer()


class PortUnavailable(Exception):
    """The address cannot be listened on (port taken, no such interface)."""
