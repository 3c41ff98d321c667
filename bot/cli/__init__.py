"""The ``cqp-bot`` command line.

``main`` is the console script: it runs the click group in non-standalone
mode so that every usage error is answered in French (see
:mod:`bot.cli.french`) with exit code 2, and nothing ever ends in a
traceback for a mistyped command.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from bot.cli.candidats import candidats_group
from bot.cli.donnees import donnees_group
from bot.cli.french import FrenchGroup, error_message
from bot.cli.referentiel import referentiel_group
from bot.cli.serveur import demo_command, serve_command
from bot.cli.teams import teams_group
from bot.cli.users import users_group
from flows import catalogue as txt


@click.group("cqp-bot", cls=FrenchGroup, help=txt.CLI_AIDE)
def cli() -> None:
    """Root group; the subcommands do the work."""


cli.add_command(referentiel_group)
cli.add_command(donnees_group)
cli.add_command(candidats_group)
cli.add_command(serve_command)
cli.add_command(demo_command)
cli.add_command(users_group)
cli.add_command(teams_group)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``cqp-bot`` with ``argv`` (default: the process arguments); return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        code = cli.main(args=args, prog_name="cqp-bot", standalone_mode=False)
    except click.UsageError as exc:
        commande = exc.ctx.command_path if exc.ctx is not None else "cqp-bot"
        click.echo(txt.CLI_ERREUR.format(message=error_message(exc)), err=True)
        click.echo(txt.CLI_ESSAYEZ_AIDE.format(commande=commande), err=True)
        return 2
    except click.Abort:
        click.echo(txt.CLI_INTERROMPU, err=True)
        return 130
    return code if isinstance(code, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
