"""``cqp-bot donnees``: check the data directory, export or purge a candidate (RGPD).

These are the store's operations a person runs by hand: before a restart
after an incident (``verifier`` reads every file in full), when a candidate
asks for their data (``exporter``), or when their data must go (``purger``).
A refusal of the store is printed in French, never as a traceback.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import click
from rich.console import Console

from bot.cli.french import FrenchGroup
from bot.cli.output import output_option, write_json
from bot.memory import settle_memory
from flows import catalogue as txt
from storage import DiskStore, StoreError, Verification, open_store

T = TypeVar("T")


def run_on_store(
    console: Console,
    dossier: Path,
    action: Callable[[DiskStore], Awaitable[T]],
    verification: Verification = "entete",
) -> T:
    """Open the store, run ``action``, close it; a refusal ends with its French message, exit 2."""

    async def principal() -> T:
        store = await open_store(dossier, verification=verification)
        settle_memory()  # what was loaded stays to the end: out of the collector's way
        if (c := store.conversion) is not None:
            message = txt.conversion(dossier, c.evaluations, c.conversations, c.sauvegarde)
            console.print(message, markup=False, soft_wrap=True)
        try:
            return await action(store)
        finally:
            await store.fermer()

    try:
        return asyncio.run(principal())
    except StoreError as exc:
        console.print(
            txt.CLI_ERREUR.format(message=txt.erreur_stockage(exc)), markup=False, soft_wrap=True
        )
        raise click.exceptions.Exit(2) from None


dossier_option = click.option(
    "--dossier",
    type=click.Path(path_type=Path, file_okay=False),
    metavar="DOSSIER",
    default=Path("data"),
    envvar="CQP_DATA_DIR",
    show_default=False,
    help=txt.CLI_OPTION_DOSSIER,
)
"""The data directory of a group of commands that work on the store."""


@click.group("donnees", cls=FrenchGroup, help=txt.CLI_DONNEES_AIDE, alias={"verify": "verifier"})
@dossier_option
@click.pass_context
def donnees_group(ctx: click.Context, dossier: Path) -> None:
    ctx.obj = dossier


@donnees_group.command("verifier", help=txt.CLI_VERIFIER_AIDE)
@click.pass_obj
def verifier(dossier: Path) -> None:
    console = Console(highlight=False)

    async def compter(store: DiskStore) -> tuple[int, int]:
        evaluations = await store.evaluations()
        reponses = 0
        for ev in evaluations:
            contenu = await store.dossier(ev.id)
            reponses += len(contenu.reponses) if contenu else 0
        return len(evaluations), reponses

    n_evaluations, n_reponses = run_on_store(console, dossier, compter, verification="complet")
    console.print(
        txt.CLI_VERIFIER_OK.format(dossier=dossier, evaluations=n_evaluations, reponses=n_reponses)
    )


@donnees_group.command("exporter", help=txt.CLI_EXPORTER_AIDE)
@click.argument("reference", metavar="REFERENCE")
@click.option("--par", required=True, metavar="IDENTIFIANT", help=txt.CLI_OPTION_PAR)
@output_option
@click.pass_obj
def exporter(dossier: Path, reference: str, par: str, sortie: Path | None) -> None:
    console = Console(highlight=False, stderr=sortie is None)
    export = run_on_store(
        console, dossier, lambda store: store.exporter_candidat(reference, par=par)
    )
    if not export.dossiers:
        console.print(txt.CLI_CANDIDAT_INCONNU.format(reference=reference))
        raise click.exceptions.Exit(1)
    ecrit = txt.CLI_EXPORT_CANDIDAT_ECRIT.format(
        reference=reference, fichier=sortie, n=len(export.dossiers)
    )
    write_json(export.en_json(), sortie, console, ecrit)


@donnees_group.command("purger", help=txt.CLI_PURGER_AIDE)
@click.argument("reference", metavar="REFERENCE")
@click.option("--par", required=True, metavar="IDENTIFIANT", help=txt.CLI_OPTION_PAR)
@click.option("--raison", required=True, metavar="TEXTE", help=txt.CLI_OPTION_RAISON)
@click.option("--oui", is_flag=True, help=txt.CLI_OPTION_OUI)
@click.pass_obj
def purger(dossier: Path, reference: str, par: str, raison: str, oui: bool) -> None:
    console = Console(highlight=False)
    if not oui:
        console.print(txt.CLI_PURGE_CONFIRMER.format(reference=reference))
        raise click.exceptions.Exit(1)
    n = run_on_store(
        console, dossier, lambda store: store.purger_candidat(reference, par=par, pourquoi=raison)
    )
    if n == 0:
        console.print(txt.CLI_CANDIDAT_INCONNU.format(reference=reference))
        raise click.exceptions.Exit(1)
    console.print(txt.CLI_PURGE_FAITE.format(reference=reference, n=n))
