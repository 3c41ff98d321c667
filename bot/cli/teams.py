"""``cqp-bot teams paquet``: the Teams app package for this bot's registration and address."""

from __future__ import annotations

from pathlib import Path

import click
from pydantic import ValidationError

from bot.cli.french import FrenchCommand, FrenchGroup
from bot.cli.serveur import _arreter, reglages
from bot.settings import reglages_invalides
from bot.teams.manifeste import PaquetImpossible, paquet
from bot.teams.settings import SECRETS, TeamsSettings
from flows import catalogue


@click.group("teams", cls=FrenchGroup, help=catalogue.TEAMS_AIDE)
def teams_group() -> None:
    """Microsoft Teams' set-up."""


@teams_group.command("paquet", cls=FrenchCommand, help=catalogue.TEAMS_PAQUET_AIDE)
@click.option(
    "--sortie", type=click.Path(path_type=Path, dir_okay=False), default=Path("cqp-bot-teams.zip"),
    metavar="FICHIER", help=catalogue.OPTION_SORTIE_PAQUET,
)  # fmt: skip
@click.option("--app-id", metavar="ID", help=catalogue.OPTION_APP_ID)
@click.option("--url", metavar="URL", help=catalogue.OPTION_URL_PUBLIQUE)
def paquet_command(sortie: Path, app_id: str | None, url: str | None) -> None:
    if app_id is None:
        try:
            app_id = TeamsSettings().app_id
        except ValidationError as exc:
            raise _arreter(str(reglages_invalides(exc, "TEAMS_", SECRETS))) from None
    url = url or reglages().public_url
    if not app_id:
        raise _arreter(
            catalogue.TEAMS_PAQUET_MANQUE.format(variable=catalogue.TEAMS_VARIABLE_APP_ID)
        )
    if not url:
        raise _arreter(catalogue.TEAMS_PAQUET_MANQUE.format(variable=catalogue.TEAMS_VARIABLE_URL))
    try:
        donnees = paquet(app_id, url)
    except PaquetImpossible as exc:
        raise _arreter(catalogue.TEAMS_PAQUET_INVALIDE.format(variable=exc.args[0])) from None
    try:
        sortie.write_bytes(donnees)
    except OSError as exc:
        detail = (
            catalogue.DOSSIER_INTROUVABLE if isinstance(exc, FileNotFoundError)
            else catalogue.ACCES_REFUSE if isinstance(exc, PermissionError)
            else exc.strerror
        )  # fmt: skip
        message = catalogue.TEAMS_PAQUET_ECRITURE.format(fichier=sortie, detail=detail)
        raise _arreter(message) from None
    click.echo(catalogue.TEAMS_PAQUET_FAIT.format(fichier=sortie))
