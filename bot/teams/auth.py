"""The bot's own identity towards the Bot Connector: the token it sends with each call.

(The tokens the connector sends to the bot are checked in :mod:`bot.teams.jeton`.)
"""

from __future__ import annotations

from microsoft_agents.activity import Activity
from microsoft_agents.authentication.msal import MsalAuth
from microsoft_agents.hosting.core.authorization import (
    AccessTokenProviderBase,
    AgentAuthConfiguration,
    AnonymousTokenProvider,
    AuthTypes,
    ClaimsIdentity,
)

from bot.teams.settings import TeamsSettings


class Connections:
    """The SDK's connection manager, with the one identity this bot has.

    The SDK asks it for a token provider each time it calls the connector; the bot
    has a single Azure registration (or none, in development), so every question
    gets the same provider.
    """

    def __init__(self, fournisseur: AccessTokenProviderBase) -> None:
        self.fournisseur = fournisseur

    def get_connection(self, connection_name: str) -> AccessTokenProviderBase:
        return self.fournisseur

    def get_default_connection(self) -> AccessTokenProviderBase:
        return self.fournisseur

    def get_token_provider(
        self, claims_identity: ClaimsIdentity, service_url: str
    ) -> AccessTokenProviderBase:
        return self.fournisseur

    def get_token_provider_from_activity(
        self, claims_identity: ClaimsIdentity, activity: Activity
    ) -> AccessTokenProviderBase:
        return self.fournisseur

    def get_default_connection_configuration(self) -> AgentAuthConfiguration:
        return self.fournisseur.configuration


def token_provider(settings: TeamsSettings) -> AccessTokenProviderBase:
    """How the bot proves who it is to the connector: MSAL with its secret or certificate.

    Without an app id (the development mode), calls go without a token, as the Bot
    Framework emulator expects.
    """
    if settings.app_id is None:
        return AnonymousTokenProvider()
    if settings.cert_pfx_file is not None:
        config = AgentAuthConfiguration(
            AuthTypes.certificate, settings.app_id, settings.tenant_id,
            cert_pfx_file=str(settings.cert_pfx_file),
        )  # fmt: skip
    else:
        config = AgentAuthConfiguration(
            AuthTypes.client_secret, settings.app_id, settings.tenant_id, settings.app_password
        )
    return MsalAuth(config)
