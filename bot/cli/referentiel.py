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

from bot.cli import render
from bot.cli.french import FrenchGroup
from bot.cli.output import output_option, write_json
from flows import catalogue as txt
from referentiel import DEFAULT_FILE, InvalidReferentiel, Referentiel, SearchIndex, load
from referentiel.export import as_dict

FOUND, NOTHING = 0, 1
EXPORT_FORMATS = ("json",)


class Lookup:
    """A loaded référentiel, its search index and the console to answer on."""

    def __init__(self, ref: Referentiel, console: Console) -> None:
        self.ref = ref
        self.recherche = SearchIndex(ref)
        self.console = console

    def show_element(self, identifiant: str | None) -> int:
        """Print the tree, or one element with its context; 1 for an unknown code."""
        if not identifiant:
            self.console.print(render.arbre(self.ref))
            return FOUND
        ctx = self.ref.contexte(identifiant)
        if ctx is None:
            self._unknown_id(identifiant)
            return NOTHING
        self.console.print(render.element(self.ref, ctx))
        return FOUND

    def search(self, requete: str, limite: int) -> int:
        """Print the results for a code or words, or why there are none and what to try."""
        if not requete.strip():
            self.console.print(txt.RECHERCHE_REQUETE_VIDE)
            return NOTHING
        resultats = self.recherche.search(requete, limite=limite)
        if resultats:
            render.print_results(self.console, requete, resultats)
            return FOUND
        if self.recherche.looks_like_id(requete):
            self._unknown_id(requete)
            return NOTHING
        if not self.recherche.meaningful_words(requete):
            self.console.print(txt.RECHERCHE_MOTS_VIDES)
            return NOTHING
        self.console.print(Text(txt.RECHERCHE_RIEN.format(requete=requete.strip()), style="bold"))
        proches = self.recherche.close_words(requete)
        if proches:
            self.console.print(txt.RECHERCHE_MOTS_PROCHES.format(mots=", ".join(proches)))
        return NOTHING

    def answer(self, saisie: str, limite: int) -> int:
        """One line typed in the interactive lookup: a code shows the element, words search."""
        if self.recherche.looks_like_id(saisie) and self.ref.contexte(saisie.replace(" ", "")):
            return self.show_element(saisie.replace(" ", ""))
        return self.search(saisie, limite)

    def _unknown_id(self, identifiant: str) -> None:
        self.console.print(Text(txt.ID_INCONNU.format(id=identifiant.strip()), style="bold"))
        proches = self.recherche.nearby_ids(identifiant)
        if proches:
            self.console.print(txt.ID_PROCHES.format(ids=", ".join(proches)))


def _load(fichier: Path, console: Console) -> Referentiel:
    """Load the référentiel or stop with every problem, in French, and exit code 2."""
    try:
        return load(fichier)
    except InvalidReferentiel as exc:
        console.print(
            Text(
                txt.REFERENTIEL_INVALIDE.format(nombre=len(exc.problems), fichier=exc.file),
                style="bold red",
            )
        )
        for p in exc.problems:
            console.print(
                "• "
                + txt.probleme_referentiel(
                    str(exc.file), p.readable_path, p.code, p.details, p.line
                ),
                markup=False,
                soft_wrap=True,
            )
        raise click.exceptions.Exit(2) from None


@click.group(
    "referentiel",
    cls=FrenchGroup,
    invoke_without_command=True,
    help=txt.CLI_REFERENTIEL_AIDE,
    alias={"afficher": "show", "chercher": "search", "exporter": "export"},
)
@click.option(
    "--referentiel",
    "fichier",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FICHIER",
    default=DEFAULT_FILE,
    envvar="CQP_REFERENTIEL",
    show_default=False,
    help=txt.CLI_OPTION_REFERENTIEL,
)
@click.pass_context
def referentiel_group(ctx: click.Context, fichier: Path) -> None:
    console = Console(highlight=False)
    ctx.obj = Lookup(_load(fichier, console), console)
    if ctx.invoked_subcommand is None:
        ctx.exit(_interactive(ctx.obj))


def _interactive(consultation: Lookup) -> int:
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
            consultation.show_element(None)
        else:
            consultation.answer(saisie, limite=10)
        console.print()
    console.print(txt.REPL_AU_REVOIR)
    return 0


@referentiel_group.command("show", help=txt.CLI_SHOW_AIDE)
@click.argument("identifiant", metavar="[CODE]", required=False)
@click.pass_obj
def show(consultation: Lookup, identifiant: str | None) -> None:
    raise click.exceptions.Exit(consultation.show_element(identifiant))


@referentiel_group.command("search", help=txt.CLI_SEARCH_AIDE)
@click.argument("mots", metavar="MOTS...", nargs=-1, required=True)
@click.option(
    "--limite",
    "-n",
    type=click.IntRange(min=1),
    metavar="N",
    default=10,
    show_default=False,
    help=txt.CLI_OPTION_LIMITE,
)
@click.pass_obj
def search(consultation: Lookup, mots: tuple[str, ...], limite: int) -> None:
    raise click.exceptions.Exit(consultation.search(" ".join(mots), limite))


@referentiel_group.command("export", help=txt.CLI_EXPORT_AIDE)
@click.option(
    "--format",
    "format_",
    metavar="FORMAT",
    default="json",
    show_default=False,
    help=txt.CLI_OPTION_FORMAT,
)
@output_option
@click.pass_obj
def export(consultation: Lookup, format_: str, sortie: Path | None) -> None:
    console = consultation.console
    if format_.lower() not in EXPORT_FORMATS:
        console.print(
            txt.CLI_ERREUR.format(
                message=txt.CLI_FORMAT_INCONNU.format(
                    format=format_, formats=", ".join(EXPORT_FORMATS)
                )
            )
        )
        raise click.exceptions.Exit(2)
    write_json(
        as_dict(consultation.ref), sortie, console, txt.CLI_EXPORT_ECRIT.format(fichier=sortie)
    )
