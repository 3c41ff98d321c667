"""``cqp-bot referentiel``: show, search and export the référentiel, or look it up interactively.

The lookup is the first thing a newcomer tries, so an unknown code or a word
that matches nothing never ends in silence: the answer says so and suggests
codes or words that exist (exit code 1, as for ``grep``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from bot.cli import affichage
from bot.cli.francais import GroupeFr
from bot.cli.sortie import ecrire_json, option_sortie
from flows import catalogue as txt
from referentiel import FICHIER_PAR_DEFAUT, Recherche, Referentiel, ReferentielInvalide, load
from referentiel.export import en_dict

TROUVE, RIEN = 0, 1
FORMATS_EXPORT = ("json",)


class Consultation:
    """A loaded référentiel, its search index and the console to answer on."""

    def __init__(self, ref: Referentiel, console: Console) -> None:
        self.ref = ref
        self.recherche = Recherche(ref)
        self.console = console

    def montrer(self, identifiant: str | None) -> int:
        """Print the tree, or one element with its context; 1 for an unknown code."""
        if not identifiant:
            self.console.print(affichage.arbre(self.ref))
            return TROUVE
        ctx = self.ref.contexte(identifiant)
        if ctx is None:
            self._inconnu(identifiant)
            return RIEN
        self.console.print(affichage.element(self.ref, ctx))
        return TROUVE

    def chercher(self, requete: str, limite: int) -> int:
        """Print the results for a code or words, or why there are none and what to try."""
        if not requete.strip():
            self.console.print(txt.RECHERCHE_REQUETE_VIDE)
            return RIEN
        resultats = self.recherche.rechercher(requete, limite=limite)
        if resultats:
            affichage.afficher_resultats(self.console, requete, resultats)
            return TROUVE
        if self.recherche.est_identifiant(requete):
            self._inconnu(requete)
            return RIEN
        if not self.recherche.mots_significatifs(requete):
            self.console.print(txt.RECHERCHE_MOTS_VIDES)
            return RIEN
        self.console.print(Text(txt.RECHERCHE_RIEN.format(requete=requete.strip()), style="bold"))
        proches = self.recherche.mots_proches(requete)
        if proches:
            self.console.print(txt.RECHERCHE_MOTS_PROCHES.format(mots=", ".join(proches)))
        return RIEN

    def repondre(self, saisie: str, limite: int) -> int:
        """One line typed in the interactive lookup: a code shows the element, words search."""
        if self.recherche.est_identifiant(saisie) and self.ref.contexte(saisie.replace(" ", "")):
            return self.montrer(saisie.replace(" ", ""))
        return self.chercher(saisie, limite)

    def _inconnu(self, identifiant: str) -> None:
        self.console.print(Text(txt.ID_INCONNU.format(id=identifiant.strip()), style="bold"))
        proches = self.recherche.identifiants_proches(identifiant)
        if proches:
            self.console.print(txt.ID_PROCHES.format(ids=", ".join(proches)))


def _charger(fichier: Path, console: Console) -> Referentiel:
    """Load the référentiel or stop with every problem, in French, and exit code 2."""
    try:
        return load(fichier)
    except ReferentielInvalide as exc:
        console.print(
            Text(
                txt.REFERENTIEL_INVALIDE.format(nombre=len(exc.problemes), fichier=exc.fichier),
                style="bold red",
            )
        )
        for p in exc.problemes:
            console.print(
                "• "
                + txt.probleme_referentiel(
                    str(exc.fichier), p.chemin_lisible, p.code, p.details, p.ligne
                ),
                markup=False,
                soft_wrap=True,
            )
        raise click.exceptions.Exit(2) from None


@click.group(
    "referentiel",
    cls=GroupeFr,
    invoke_without_command=True,
    help=txt.CLI_REFERENTIEL_AIDE,
    alias={"afficher": "show", "chercher": "search", "exporter": "export"},
)
@click.option(
    "--referentiel",
    "fichier",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FICHIER",
    default=FICHIER_PAR_DEFAUT,
    envvar="CQP_REFERENTIEL",
    show_default=False,
    help=txt.CLI_OPTION_REFERENTIEL,
)
@click.pass_context
def groupe_referentiel(ctx: click.Context, fichier: Path) -> None:
    console = Console(highlight=False)
    ctx.obj = Consultation(_charger(fichier, console), console)
    if ctx.invoked_subcommand is None:
        ctx.exit(_interactif(ctx.obj))


def _interactif(consultation: Consultation) -> int:
    """Read codes or words line by line until « q » or end of input."""
    ref, console = consultation.ref, consultation.console
    console.print(
        txt.REPL_BIENVENUE.format(
            titre=ref.titre,
            n_criteres=sum(1 for _ in ref.criteres()),
            n_competences=sum(1 for _ in ref.competences()),
            n_blocs=len(ref.blocs),
        )
    )
    interactif = sys.stdin.isatty()
    while True:
        try:
            saisie = console.input(txt.REPL_INVITE) if interactif else input()
        except (EOFError, KeyboardInterrupt):
            break
        commande = saisie.strip().lower()
        if commande in txt.REPL_COMMANDES_QUITTER:
            break
        if not commande:
            continue
        if commande in txt.REPL_COMMANDES_AIDE:
            console.print(txt.REPL_AIDE)
        elif commande in txt.REPL_COMMANDES_ARBRE:
            consultation.montrer(None)
        else:
            consultation.repondre(saisie, limite=10)
        console.print()
    console.print(txt.REPL_AU_REVOIR)
    return 0


@groupe_referentiel.command("show", help=txt.CLI_SHOW_AIDE)
@click.argument("identifiant", metavar="[CODE]", required=False)
@click.pass_obj
def show(consultation: Consultation, identifiant: str | None) -> None:
    raise click.exceptions.Exit(consultation.montrer(identifiant))


@groupe_referentiel.command("search", help=txt.CLI_SEARCH_AIDE)
@click.argument("mots", metavar="MOTS...", nargs=-1, required=True)
@click.option(
    "--limite",
    "-n",
    type=click.IntRange(min=1),
    metavar="N",
    default=10,
    show_default=True,
    help=txt.CLI_OPTION_LIMITE,
)
@click.pass_obj
def search(consultation: Consultation, mots: tuple[str, ...], limite: int) -> None:
    raise click.exceptions.Exit(consultation.chercher(" ".join(mots), limite))


@groupe_referentiel.command("export", help=txt.CLI_EXPORT_AIDE)
@click.option(
    "--format",
    "format_",
    metavar="FORMAT",
    default="json",
    show_default=True,
    help=txt.CLI_OPTION_FORMAT,
)
@option_sortie
@click.pass_obj
def export(consultation: Consultation, format_: str, sortie: Path | None) -> None:
    console = consultation.console
    if format_.lower() not in FORMATS_EXPORT:
        console.print(
            txt.CLI_ERREUR.format(
                message=txt.CLI_FORMAT_INCONNU.format(
                    format=format_, formats=", ".join(FORMATS_EXPORT)
                )
            )
        )
        raise click.exceptions.Exit(2)
    ecrire_json(
        en_dict(consultation.ref), sortie, console, txt.CLI_EXPORT_ECRIT.format(fichier=sortie)
    )
