"""Slack's settings: ``SLACK_*`` variables (or ``.env``), read and checked by pydantic-settings.

Slack is on when ``SLACK_BOT_TOKEN`` and ``SLACK_SIGNING_SECRET`` are both
set; one without the other, or a malformed value, stops the server with a
French message naming the variable (exit code 2).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.settings import InvalidSettings, reglages_invalides
from flows import catalogue

Ids = Annotated[frozenset[str], NoDecode]
SECRETS = frozenset({"bot_token", "signing_secret", "app_token"})
"""Settings whose value is never printed whole."""


class SlackSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SLACK_",
        env_file=".env",
        extra="ignore",
        frozen=True,
        env_ignore_empty=True,  # a variable left empty in a .env template is not set
    )

    bot_token: Annotated[str, Field(pattern=r"^xoxb-[A-Za-z0-9-]+$")] | None = None
    signing_secret: Annotated[str, Field(min_length=8, max_length=200)] | None = None
    app_token: Annotated[str, Field(pattern=r"^xapp-[A-Za-z0-9-]+$")] | None = None
    """Socket Mode (``cqp-bot serve --socket-mode``): no public address needed."""
    api_base_url: Annotated[str, Field(pattern=r"^https?://[^\s]+/$")] = "https://slack.com/api/"
    results_channel: Annotated[str, Field(pattern=r"^[CG][A-Z0-9]{2,30}$")] | None = None
    """The results channel the creation modal proposes (an evaluation's own destination is
    where its result goes); the bot posts only in a private one."""
    coordinateurs: Ids = frozenset()
    """Slack user ids (``U…``), comma-separated, with the coordinateur's rights."""
    admins: Ids = frozenset()

    @field_validator("coordinateurs", "admins", mode="before")
    @classmethod
    def _liste(cls, valeur: object) -> object:
        if isinstance(valeur, str):
            ids = frozenset(v.strip() for v in valeur.split(",") if v.strip())
            if any(not (i[:1] in "UW" and i[1:].isalnum() and i.isupper()) for i in ids):
                raise ValueError("not a list of Slack user ids")
            return ids
        return valeur

    @property
    def active(self) -> bool:
        return self.bot_token is not None


def load_slack_settings() -> SlackSettings:
    """The Slack settings from the environment; InvalidSettings names what is wrong, in French."""
    try:
        reglages = SlackSettings()
    except ValidationError as exc:
        raise reglages_invalides(exc, "SLACK_", SECRETS) from None
    if (reglages.bot_token is None) != (reglages.signing_secret is None):
        manquant = "SLACK_SIGNING_SECRET" if reglages.signing_secret is None else "SLACK_BOT_TOKEN"
        raise InvalidSettings(catalogue.SLACK_REGLAGE_MANQUANT.format(variable=manquant))
    return reglages
