"""``cqp-bot users``: the web chat's people — list, add, invite (a sign-in link), revoke."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import click

from bot.cli.french import FrenchGroup
from bot.cli.serveur import _arreter, reglages
from bot.server import WEB_DIR
from bot.settings import Settings, is_loopback
from bot.web.access import Invitations, secret_key
from bot.web.annuaire import Annuaire, InvalidAnnuaire, Personne, Role
from flows import catalogue


@click.group(
    "users",
    cls=FrenchGroup,
    help=catalogue.USERS_AIDE,
    alias={"lister": "list", "ajouter": "add", "inviter": "invite", "revoquer": "revoke"},
)
@click.option(
    "--dossier", "data_dir", type=click.Path(path_type=Path, file_okay=False),
    metavar="DOSSIER", help=catalogue.OPTION_DOSSIER,
)  # fmt: skip
@click.pass_context
def users_group(ctx: click.Context, data_dir: Path | None) -> None:
    ctx.obj = reglages(data_dir=data_dir)


def _annuaire(settings: Settings) -> Annuaire:
    try:
        return Annuaire.lire(settings.annuaire)
    except InvalidAnnuaire as exc:
        raise _arreter(str(exc)) from None


@users_group.command("list", help=catalogue.USERS_LIST_AIDE)
@click.pass_obj
def lister(settings: Settings) -> None:
    annuaire = _annuaire(settings)
    if not annuaire.personnes:
        click.echo(catalogue.USERS_LISTE_VIDE.format(fichier=settings.annuaire))
    for p in annuaire.personnes:
        click.echo(f"{p.id}\t{p.role.value}\t{p.nom}")


@users_group.command("add", help=catalogue.USERS_ADD_AIDE)
@click.argument("identifiant", metavar="ID")
@click.option("--nom", required=True, metavar="NOM", help=catalogue.USERS_OPTION_NOM)
@click.option(
    "--role", required=True, type=click.Choice([r.value for r in Role]), metavar="ROLE",
    help=catalogue.USERS_OPTION_ROLE,
)  # fmt: skip
@click.pass_obj
def ajouter(settings: Settings, identifiant: str, nom: str, role: str) -> None:
    annuaire = _annuaire(settings)
    try:
        personne = Personne(id=identifiant, nom=nom, role=Role(role))
        annuaire = annuaire.avec(personne)
    except ValueError as exc:
        raise _arreter(str(exc).splitlines()[0] if str(exc) else identifiant) from None
    annuaire.ecrire(settings.annuaire)
    click.echo(
        catalogue.USERS_AJOUTE.format(
            id=personne.id, nom=personne.nom, role=personne.role.value, fichier=settings.annuaire
        )
    )


@users_group.command("invite", help=catalogue.USERS_INVITE_AIDE)
@click.argument("identifiant", metavar="ID")
@click.option("--url", "public_url", metavar="URL", help=catalogue.USERS_OPTION_URL)
@click.pass_obj
def inviter(settings: Settings, identifiant: str, public_url: str | None) -> None:
    personne = _annuaire(settings).personne(identifiant)
    if personne is None:
        raise _arreter(catalogue.USERS_INCONNU.format(id=identifiant, fichier=settings.annuaire))
    dossier = settings.data_dir / WEB_DIR
    jeton = Invitations(dossier, secret_key(dossier)).inviter(personne.id)
    base = (public_url or settings.public_url or "").rstrip("/")
    if not base and not settings.loopback:
        # 0.0.0.0 or a LAN address: only the person who deploys knows the address people open.
        raise _arreter(catalogue.USERS_URL_REQUISE)
    base = base or settings.url
    click.echo(
        catalogue.USERS_INVITE.format(nom=personne.nom, url=f"{base}/connexion?jeton={jeton}")
    )
    if is_loopback(urlsplit(base).hostname or ""):
        click.echo(catalogue.USERS_LIEN_LOCAL)


@users_group.command("revoke", help=catalogue.USERS_REVOKE_AIDE)
@click.argument("identifiant", metavar="ID")
@click.pass_obj
def revoquer(settings: Settings, identifiant: str) -> None:
    dossier = settings.data_dir / WEB_DIR
    if Invitations(dossier, secret_key(dossier)).revoquer(identifiant):
        click.echo(catalogue.USERS_REVOQUE.format(id=identifiant))
    else:
        click.echo(catalogue.USERS_RIEN_A_REVOQUER.format(id=identifiant))
