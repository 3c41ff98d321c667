"""The server's settings, read from the environment (and a ``.env`` file) by pydantic-settings.

pydantic-settings is the maintained way to turn environment variables into
typed, validated values: a malformed ``CQP_PORT`` is refused at start-up
with the variable's name, instead of failing later in the middle of a
request. The Slack and Teams channels add their own variables here.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from flows import catalogue


class Settings(BaseSettings):
    """``CQP_HOST``, ``CQP_PORT``, ``CQP_DATA_DIR`` and the web chat's options."""

    model_config = SettingsConfigDict(
        env_prefix="CQP_",
        env_file=".env",
        extra="ignore",
        frozen=True,
        env_ignore_empty=True,  # a variable left empty in a .env template is not set
    )

    host: Annotated[str, Field(min_length=1, max_length=253)] = "127.0.0.1"
    port: Annotated[int, Field(ge=0, le=65535)] = 8080
    data_dir: Path = Path("data")
    users_file: Path | None = None
    """The local users (name, role); default ``<data_dir>/utilisateurs.yaml``."""
    public_url: str | None = None
    """The address people open (sign-in links); default ``http://<host>:<port>``."""

    @property
    def annuaire(self) -> Path:
        return self.users_file or self.data_dir / "utilisateurs.yaml"

    @property
    def url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def loopback(self) -> bool:
        """Whether only this machine can connect: then a person just picks who they are."""
        return is_loopback(self.host)


def is_loopback(host: str) -> bool:
    """``localhost``, ``127.x.y.z`` or ``::1``; anything else is reachable from elsewhere."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class InvalidSettings(Exception):
    """A setting is missing or malformed: the French message names the variable."""


def load_settings(**overrides: object) -> Settings:
    """The settings from the environment, ``overrides`` (command-line options) winning."""
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]
    except ValidationError as exc:
        raise reglages_invalides(exc, "CQP_") from None


def reglages_invalides(
    exc: ValidationError, prefixe: str, secrets: frozenset[str] = frozenset()
) -> InvalidSettings:
    """One French line per malformed variable, named with its prefix; a secret's value masked."""
    problemes = []
    for erreur in exc.errors():
        champ = str(erreur["loc"][0]) if erreur["loc"] else "?"
        valeur = str(erreur.get("input", ""))
        if champ in secrets and len(valeur) > 8:
            valeur = valeur[:8] + "…"  # enough to recognise it, not to use it
        problemes.append(
            catalogue.REGLAGE_INVALIDE.format(
                variable=f"{prefixe}{champ.upper()}", valeur=valeur[:80]
            )
        )
    return InvalidSettings("\n".join(problemes))
