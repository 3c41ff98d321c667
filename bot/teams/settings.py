"""Teams' settings: ``TEAMS_*`` variables (or ``.env``), read and checked by pydantic-settings.

Teams is on when ``TEAMS_APP_ID`` is set (with ``TEAMS_TENANT_ID`` and
either ``TEAMS_APP_PASSWORD`` or ``TEAMS_CERT_PFX_FILE``: the bot's Azure
registration), or when ``TEAMS_DEV_SANS_AUTH`` is set for local development
against a Bot Framework emulator — which the server accepts only when it
listens on loopback, since requests are then not authenticated at all. A
missing or malformed value stops the server with a French message naming
the variable (exit code 2).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.settings import InvalidSettings, reglages_invalides
from flows import catalogue

GUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
Ids = Annotated[frozenset[str], NoDecode]
SECRETS = frozenset({"app_password"})
BOT_FRAMEWORK_OPENID = "https://login.botframework.com/v1/.well-known/openidconfiguration"


class TeamsSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TEAMS_",
        env_file=".env",
        extra="ignore",
        frozen=True,
        env_ignore_empty=True,  # a variable left empty in a .env template is not set
    )

    app_id: Annotated[str, Field(pattern=GUID)] | None = None
    """The bot's Microsoft App ID (Azure Bot registration): the audience of Teams' tokens."""
    app_password: Annotated[str, Field(min_length=8, max_length=500)] | None = None
    """Its client secret; or ``cert_pfx_file``."""
    cert_pfx_file: Path | None = None
    """A PFX certificate registered for the app, instead of a client secret."""
    tenant_id: Annotated[str, Field(pattern=GUID)] | None = None
    """The Microsoft Entra tenant of a single-tenant bot (the mutuelle's)."""
    dev_sans_auth: bool = False
    """Local development only: accept unauthenticated requests (refused off loopback)."""
    openid_url: Annotated[str, Field(pattern=r"^https?://[^\s]+$")] = BOT_FRAMEWORK_OPENID
    """Where the Bot Framework publishes its signing keys (tests point it at a local issuer)."""
    results_channel: Annotated[str, Field(min_length=3, max_length=300)] | None = None
    """Conversation id of the Teams channel (or group chat) where results are posted."""
    coordinateurs: Ids = frozenset()
    """Microsoft Entra object ids of people with the coordinateur's rights, comma-separated."""
    admins: Ids = frozenset()

    @field_validator("coordinateurs", "admins", mode="before")
    @classmethod
    def _liste(cls, valeur: object) -> object:
        if isinstance(valeur, str):
            ids = frozenset(v.strip().lower() for v in valeur.split(",") if v.strip())
            if any(not re.match(GUID, i) for i in ids):
                raise ValueError("not a list of Entra object ids")
            return ids
        return valeur

    @property
    def active(self) -> bool:
        return self.app_id is not None or self.dev_sans_auth


def load_teams_settings(loopback: bool) -> TeamsSettings:
    """The Teams settings from the environment; InvalidSettings names what is wrong, in French.

    ``loopback``: whether the server listens on loopback only (the one place where the
    unauthenticated development mode is allowed).
    """
    try:
        reglages = TeamsSettings()
    except ValidationError as exc:
        raise reglages_invalides(exc, "TEAMS_", SECRETS) from None
    if reglages.dev_sans_auth and not loopback:
        raise InvalidSettings(catalogue.TEAMS_DEV_HORS_LOOPBACK)
    if reglages.dev_sans_auth and (
        reglages.app_id or reglages.app_password or reglages.cert_pfx_file
    ):
        # Unauthenticated requests choose the connector's address: the bot's credentials
        # would be sent there.
        raise InvalidSettings(catalogue.TEAMS_DEV_AVEC_IDENTIFIANTS)
    if reglages.app_id is None:
        for nom in ("app_password", "cert_pfx_file", "tenant_id"):
            if getattr(reglages, nom) is not None:
                raise InvalidSettings(
                    catalogue.TEAMS_REGLAGE_MANQUANT.format(variable="TEAMS_APP_ID")
                )
        return reglages
    if reglages.app_password is None and reglages.cert_pfx_file is None:
        raise InvalidSettings(
            catalogue.TEAMS_REGLAGE_MANQUANT.format(variable="TEAMS_APP_PASSWORD")
        )
    if reglages.tenant_id is None:
        raise InvalidSettings(catalogue.TEAMS_REGLAGE_MANQUANT.format(variable="TEAMS_TENANT_ID"))
    if reglages.cert_pfx_file is not None and not reglages.cert_pfx_file.is_file():
        raise InvalidSettings(
            catalogue.TEAMS_CERTIFICAT_ABSENT.format(fichier=reglages.cert_pfx_file)
        )
    return reglages
