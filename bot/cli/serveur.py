"""``cqp-bot serve`` and ``cqp-bot demo``: run the server (with a demo workspace for the latter).

Everything that can be wrong before listening — a malformed setting, an
unreadable users file, a damaged or locked data directory, a port already
taken — ends with a French message and exit code 2, never a traceback, and
never touches the data.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

import click

from bot import demo_session
from bot.cli.french import FrenchCommand
from bot.demo import NotADemoDirectory, evaluation_de_demo, preparer_dossier
from bot.server import PortUnavailable, serve
from bot.settings import InvalidSettings, Settings, load_settings
from bot.slack.settings import load_slack_settings
from bot.teams.settings import load_teams_settings
from bot.web.annuaire import Annuaire, InvalidAnnuaire
from bot.web.chat import WebChat
from flows import catalogue
from flows import catalogue as txt
from storage import StoreError


def _options(fonction: Callable[..., None]) -> Callable[..., None]:
    fonction = click.option("--hote", "host", metavar="ADRESSE", help=catalogue.OPTION_HOTE)(
        fonction
    )
    fonction = click.option("--port", type=int, metavar="PORT", help=catalogue.OPTION_PORT)(
        fonction
    )
    return click.option(
        "--dossier", "data_dir", type=click.Path(path_type=Path, file_okay=False),
        metavar="DOSSIER", help=catalogue.OPTION_DOSSIER,
    )(fonction)  # fmt: skip


def _arreter(message: str) -> click.exceptions.Exit:
    click.echo(txt.CLI_ERREUR.format(message=message), err=True)
    return click.exceptions.Exit(2)


def reglages(**options: object) -> Settings:
    try:
        return load_settings(**options)
    except InvalidSettings as exc:
        raise _arreter(str(exc)) from None


def _lancer(
    settings: Settings,
    pret: Callable[[WebChat], Awaitable[None]] | None = None,
    socket_mode: bool = False,
) -> None:
    try:
        slack = load_slack_settings()
        teams = load_teams_settings(settings.loopback)
    except InvalidSettings as exc:
        raise _arreter(str(exc)) from None
    if socket_mode and (slack.app_token is None or not slack.active):
        raise _arreter(catalogue.SLACK_SOCKET_SANS_JETON)
    try:
        annuaire = Annuaire.lire(settings.annuaire)
        asyncio.run(
            serve(settings, annuaire, lambda m: click.echo(m), pret, slack, socket_mode, teams)
        )
    except (InvalidAnnuaire, PortUnavailable) as exc:
        raise _arreter(str(exc)) from None
    except StoreError as exc:
        raise _arreter(txt.erreur_stockage(exc)) from None


@click.command("serve", cls=FrenchCommand, help=catalogue.SERVE_AIDE)
@_options
@click.option("--socket-mode", is_flag=True, help=catalogue.OPTION_SOCKET)
def serve_command(
    host: str | None, port: int | None, data_dir: Path | None, socket_mode: bool
) -> None:
    _lancer(reglages(host=host, port=port, data_dir=data_dir), socket_mode=socket_mode)


@click.command("demo", cls=FrenchCommand, help=catalogue.DEMO_AIDE)
@_options
@click.option("--reset", is_flag=True, help=catalogue.OPTION_RESET)
@click.option("--session", "avec_session", is_flag=True, help=catalogue.DEMO_OPTION_SESSION)
def demo_command(
    host: str | None, port: int | None, data_dir: Path | None, reset: bool, avec_session: bool
) -> None:
    settings = reglages(host=host, port=port, data_dir=data_dir)
    try:
        message = preparer_dossier(settings.data_dir, settings.annuaire, reset)
    except NotADemoDirectory as exc:
        raise _arreter(str(exc)) from None
    if message:
        click.echo(message)

    async def pret(chat: WebChat) -> None:
        click.echo(await evaluation_de_demo(chat))
        if avec_session:
            click.echo(await demo_session.dans_le_chat(chat, date.today()))

    _lancer(settings, pret)
