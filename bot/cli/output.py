"""Writing an export: the ``--sortie`` option and JSON to a file or to standard output.

Shared by every export command, so that each one accepts the same option and
answers an unwritable path with the same French message, never a traceback.
"""

from __future__ import annotations

import errno
import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from flows import catalogue as txt

output_option = click.option(
    "--sortie",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FICHIER",
    help=txt.CLI_OPTION_SORTIE,
)


def write_json(donnees: Any, sortie: Path | None, console: Console, message_ecrit: str) -> None:
    """Write ``donnees`` as readable UTF-8 JSON to ``sortie``, or to standard output.

    ``message_ecrit`` (already formatted) is printed once the file is written.
    An unwritable file ends with a French message and exit code 2.
    """
    contenu = json.dumps(donnees, ensure_ascii=False, indent=2) + "\n"
    if sortie is None:
        sys.stdout.write(contenu)
        return
    try:
        sortie.write_text(contenu, encoding="utf-8")
    except OSError as exc:
        detail = txt.erreur_systeme(errno.errorcode.get(exc.errno or 0), exc.strerror)
        console.print(
            txt.CLI_ERREUR.format(
                message=txt.CLI_ECRITURE_IMPOSSIBLE.format(fichier=sortie, detail=detail)
            ),
            markup=False,
            soft_wrap=True,
        )
        raise click.exceptions.Exit(2) from None
    console.print(message_ecrit, markup=False, soft_wrap=True)
