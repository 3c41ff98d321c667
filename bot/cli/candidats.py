"""``cqp-bot candidats``: enrol the candidates of a spreadsheet in a certification session,
list where each candidate stands on the 4 blocs.

``importer`` checks every line first (``flows.inscription``) and writes nothing if one is
wrong: a coordinatrice fixes the file and runs it again, rather than finding half a session
imported. ``--essai`` checks without writing.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import click
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from rich.text import Text

from bot import tableur
from bot.cli.donnees import dossier_option, run_on_store
from bot.cli.french import FrenchGroup
from flows import catalogue as txt
from flows import tableau
from flows.inscription import SessionCertification
from flows.usecases import enrolment
from referentiel import Referentiel
from referentiel import default as referentiel_par_defaut
from storage import DiskStore


@click.group("candidats", cls=FrenchGroup, help=txt.INS_AIDE)
@dossier_option
@click.pass_context
def candidats_group(ctx: click.Context, dossier: Path) -> None:
    ctx.obj = dossier


@candidats_group.command("importer", help=txt.INS_IMPORTER_AIDE)
@click.argument(
    "fichier", metavar="FICHIER", type=click.Path(path_type=Path, dir_okay=False, exists=True)
)
@click.option("--session", "nom_session", required=True, metavar="NOM", help=txt.INS_OPTION_SESSION)
@click.option(
    "--jury", metavar="AAAA-MM-JJ", type=click.DateTime(["%Y-%m-%d"]), help=txt.INS_OPTION_JURY
)
@click.option(
    "--debut", metavar="AAAA-MM-JJ", type=click.DateTime(["%Y-%m-%d"]), help=txt.INS_OPTION_DEBUT
)
@click.option(
    "--fin", metavar="AAAA-MM-JJ", type=click.DateTime(["%Y-%m-%d"]), help=txt.INS_OPTION_FIN
)
@click.option(
    "--coordinateur", "coordinateurs", multiple=True, metavar="IDENTIFIANT",
    help=txt.INS_OPTION_COORDINATEUR,
)  # fmt: skip
@click.option("--essai", is_flag=True, help=txt.INS_OPTION_ESSAI)
@click.option("--par", default="cli", metavar="IDENTIFIANT", help=txt.CLI_OPTION_PAR)
@click.pass_obj
def importer(
    dossier: Path, fichier: Path, nom_session: str, jury: datetime | None,
    debut: datetime | None, fin: datetime | None, coordinateurs: tuple[str, ...], essai: bool,
    par: str,
) -> None:  # fmt: skip
    console = Console(highlight=False, soft_wrap=True)
    try:
        lignes, notes = tableur.lire(fichier)
    except tableur.Illisible as exc:
        console.print(str(exc), markup=False)
        raise click.exceptions.Exit(2) from None
    for note in notes:
        console.print(note, markup=False)
    maintenant = datetime.now(UTC)
    try:
        session = SessionCertification(
            nom=nom_session, jury=jury.date() if jury else None, horodatage=maintenant,
            debut=debut.date() if debut else None, fin=fin.date() if fin else None,
            coordinateurs=coordinateurs,
        )  # fmt: skip
    except ValidationError as exc:
        console.print(_probleme_de_session(exc), markup=False)
        raise click.exceptions.Exit(2) from None

    async def inscrire(store: DiskStore) -> int | None:
        try:
            inscription = await enrolment.importer(
                store, lignes, session, referentiel_par_defaut(), maintenant, par, essai=essai,
                coordinateurs_donnes=bool(coordinateurs),
            )  # fmt: skip
        except ValidationError as exc:  # the dates given and the session's do not fit
            console.print(_probleme_de_session(exc), markup=False)
            return None
        for ligne in inscription.compte_rendu(essai):
            console.print(ligne, markup=False)
        if inscription.lecture.problemes:
            return None
        return len(inscription.lecture.fiches)

    if run_on_store(console, dossier, inscrire) is None:
        raise click.exceptions.Exit(2)


def _probleme_de_session(exc: ValidationError) -> str:
    """What is wrong with the session given, in French."""
    champs = {str(e["loc"][0]) if e["loc"] else "" for e in exc.errors()}
    if "coordinateurs" in champs:
        return txt.INS_COORDINATEUR_INVALIDE
    if "nom" in champs:
        return txt.INS_SESSION_INVALIDE
    return txt.INS_DATES_INVALIDES


@candidats_group.command("liste", help=txt.INS_LISTE_AIDE)
@click.option("--session", "nom_session", metavar="NOM", help=txt.INS_OPTION_SESSION_LISTE)
@click.option(
    "--format", "forme", type=click.Choice(["texte", "csv"]), default="texte",
    help=txt.INS_OPTION_FORMAT,
)  # fmt: skip
@click.pass_obj
def liste(dossier: Path, nom_session: str | None, forme: str) -> None:
    console = Console(highlight=False, soft_wrap=forme == "csv")
    referentiel = referentiel_par_defaut()
    entetes = [txt.INS_COL_REFERENCE, txt.INS_COL_NOM, txt.INS_COL_SESSION,
               *(b.id for b in referentiel.blocs), txt.INS_COL_CQP]  # fmt: skip
    lignes = run_on_store(console, dossier, lambda store: _lignes(store, nom_session, referentiel))
    if forme == "csv":
        sortie = io.StringIO()
        ecrivain = csv.writer(sortie, delimiter=";", lineterminator="\n")
        ecrivain.writerow(entetes)
        ecrivain.writerows(lignes)
        click.echo(sortie.getvalue(), nl=False)
        return
    if not lignes:
        console.print(txt.INS_LISTE_VIDE, markup=False)
        return
    tableau = Table(show_lines=True)
    for entete in entetes:
        tableau.add_column(entete, overflow="fold")  # nothing cut: a state is read whole
    for ligne in lignes:
        tableau.add_row(*(Text(c) for c in ligne))
    console.print(tableau)


async def _lignes(
    store: DiskStore, nom_session: str | None, referentiel: Referentiel
) -> list[list[str]]:
    """One row per candidate, as the dashboard has them (``flows.tableau``) for someone who
    sees everything: reference, name, session, each bloc's state, the CQP proposal."""
    rangs = tableau.lignes(
        await store.evaluations(), await store.resumes(),
        {f.reference: f for f in await store.fiches()}, await store.sessions(), referentiel,
        "", date.today(), tout=True, filtres=tableau.Filtres(session=nom_session),
    )  # fmt: skip
    return [
        [r.reference, r.nom, r.session, *(c.texte for c in r.cellules), r.cqp(referentiel)]
        for r in rangs
    ]
