"""Click, in French.

Click writes its help and errors in English (its texts go through gettext,
which would need compiled catalogues and the user's locale). cqp-bot's users
are French, so the few texts a user meets are replaced here: the usage line,
section titles, the help option, and every usage error, rendered from the
exception's data rather than its English message.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

import click
from click.exceptions import (
    BadOptionUsage,
    BadParameter,
    MissingParameter,
    NoSuchCommand,
    NoSuchOption,
)

from flows import catalogue as txt


class FrenchFormatter(click.HelpFormatter):
    """Help formatter with French headings."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix if prefix is not None else f"{txt.CLI_UTILISATION} ")

    def write_heading(self, heading: str) -> None:
        super().write_heading(txt.CLI_SECTIONS.get(heading, heading))

    def write_dl(self, rows: Iterable[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        """Click marks a required option « [required] »: said in French."""
        fr = [(terme, aide.replace("[required]", txt.CLI_OBLIGATOIRE)) for terme, aide in rows]
        super().write_dl(fr, *args, **kwargs)


class FrenchContext(click.Context):
    """Context whose help is formatted in French."""

    formatter_class = FrenchFormatter


class _Fr:
    """What French commands and groups share: context class and help option text."""

    context_class: ClassVar[type[click.Context]] = FrenchContext

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option: click.Option | None = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = txt.CLI_OPTION_AIDE
        return option


class FrenchCommand(_Fr, click.Command):
    """A click command with French help."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[OPTIONS]")
        super().__init__(*args, **kwargs)


class FrenchGroup(_Fr, click.Group):
    """A click group with French help and French aliases for its commands.

    Attributes:
        alias: other names a command answers to (``chercher`` for ``search``).
    """

    command_class = FrenchCommand
    alias: dict[str, str]

    def __init__(self, *args: Any, alias: dict[str, str] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("subcommand_metavar", "COMMANDE [ARGUMENTS]...")
        super().__init__(*args, **kwargs)
        self.alias = alias or {}

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return super().get_command(ctx, self.alias.get(cmd_name, cmd_name))


FrenchGroup.group_class = FrenchGroup


def error_message(exc: click.UsageError) -> str:
    """The French message for a usage error, from the exception's data."""
    if isinstance(exc, NoSuchCommand):
        message = txt.CLI_COMMANDE_INCONNUE.format(nom=exc.command_name)
        return _with_suggestions(message, exc.possibilities)
    if isinstance(exc, NoSuchOption):
        message = txt.CLI_OPTION_INCONNUE.format(nom=exc.option_name)
        return _with_suggestions(message, exc.possibilities)
    if isinstance(exc, MissingParameter) and exc.param is not None:
        quoi = txt.CLI_OPTION if isinstance(exc.param, click.Option) else txt.CLI_ARGUMENT
        nom = (
            exc.param.opts[0]
            if isinstance(exc.param, click.Option)
            else exc.param.human_readable_name
        )
        return txt.CLI_PARAMETRE_MANQUANT.format(quoi=quoi, nom=nom)
    if isinstance(exc, BadOptionUsage):
        return txt.CLI_VALEUR_MANQUANTE.format(nom=exc.option_name)
    if isinstance(exc, BadParameter) and exc.param is not None:
        nom = (
            exc.param.opts[0]
            if isinstance(exc.param, click.Option)
            else exc.param.human_readable_name
        )  # an option by the flag a person typed, not by its name in the code
        return txt.CLI_VALEUR_INVALIDE.format(nom=nom)
    return txt.CLI_USAGE_INCORRECT


def _with_suggestions(message: str, propositions: list[str] | None) -> str:
    if not propositions:
        return message
    return f"{message} {txt.CLI_VOULIEZ_VOUS.format(propositions=', '.join(sorted(propositions)))}"
