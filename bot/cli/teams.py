"""``cqp-bot teams paquet``: the Teams app package for this bot's registration and address."""

from __future__ import annotations

from pathlib import Path

import click
from pydantic import ValidationError

from bot import textes
from bot.cli.french import FrenchCommand, FrenchGroup
from bot.cli.serveur import _arreter, reglages
from bot.settings import reglages_invalides
from bot.teams.manifeste import PaquetImpossible, paquet
from bot.teams.settings import SECRETS, TeamsSettings


@click.group("teams", cls=FrenchGroup, help=textes.TEAMS_AIDE)
def teams_group() -> None:
    """Microsoft Teams' set-up."""


@teams_group.command("paquet", cls=FrenchCommand, help=textes.TEAMS_PAQUET_AIDE)
@click.option(
    "--sortie", type=click.Path(path_type=Path, dir_okay=False), default=Path("cqp-bot-teams.zip"),
    metavar="FICHIER", help=textes.OPTION_SORTIE_PAQUET,
)  # fmt: skip
@click.option("--app-id", metavar="ID", help=textes.OPTION_APP_ID)
@click.option("--url", metavar="URL", help=textes.OPTION_URL_PUBLIQUE)
def paquet_command(sortie: Path, app_id: str | None, url: str | None) -> None:
    if app_id is None:
        try:
            app_id = TeamsSettings().app_id
        except ValidationError as exc:
            raise _arreter(str(reglages_invalides(exc, "TEAMS_", SECRETS))) from None
    url = url or reglages().public_url
    if not app_id:
        raise _arreter(textes.TEAMS_PAQUET_MANQUE.format(variable="TEAMS_APP_ID (ou --app-id)"))
    if not url:
        raise _arreter(textes.TEAMS_PAQUET_MANQUE.format(variable="CQP_PUBLIC_URL (ou --url)"))
    try:
        donnees = paquet(app_id, url)
    except PaquetImpossible as exc:
        raise _arreter(textes.TEAMS_PAQUET_INVALIDE.format(variable=exc.args[0])) from None
    try:
        sortie.write_bytes(donnees)
    except OSError as exc:
        detail = (
            textes.DOSSIER_INTROUVABLE if isinstance(exc, FileNotFoundError)
            else textes.ACCES_REFUSE if isinstance(exc, PermissionError)
            else exc.strerror
        )  # fmt: skip
        message = textes.TEAMS_PAQUET_ECRITURE.format(fichier=sortie, detail=detail)
        raise _arreter(message) from None
    click.echo(textes.TEAMS_PAQUET_FAIT.format(fichier=sortie))
