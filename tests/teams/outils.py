"""Teams tests: the real server app with Teams mounted, activities shaped like Teams' own.

Everything on loopback: the server (``create_app`` as ``cqp-bot serve``
builds it), a local Bot Framework token issuer (:class:`Emetteur`: its
JWKS is what the bot checks tokens against), and the fake Bot Connector
the activities' ``serviceUrl`` points at. The bot's own token for the
connector comes from a token provider of ours (:class:`JetonFixe`): the
one part of the chain that would need Microsoft Entra.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer
from microsoft_agents.hosting.core.authorization import (
    AccessTokenProviderBase,
    AgentAuthConfiguration,
)

from bot.server import create_app, service_for
from bot.teams.channel import TeamsChannel
from bot.teams.settings import TeamsSettings
from bot.web.annuaire import Annuaire
from flows.service import Service
from storage import open_store
from tests.slack.outils import StoreCapricieux
from tests.teams.faux_connecteur import JETON_SORTANT, Appel, FauxConnecteur
from tests.teams.jetons import Emetteur

APP_ID = "0a0b0c0d-1111-4222-8333-444455556666"
TENANT = "7e7e7e7e-aaaa-4bbb-8ccc-dddddddddddd"
COORD = "c0000000-0000-4000-8000-000000000001"
EXPERT = "e0000000-0000-4000-8000-000000000002"
INTERNE = "e0000000-0000-4000-8000-000000000003"
INTRUS = "f0000000-0000-4000-8000-000000000004"
NOMS = {COORD: "Claire Coordinatrice", EXPERT: "Karim Expert", INTERNE: "Léa Interne",
        INTRUS: "Ivan Intrus"}  # fmt: skip
RESULTATS = "19:resultats-cqp@thread.tacv2"
_IDS = itertools.count(1)
"""Activity ids, unique across servers started again in one test (as Teams' are)."""


class JetonFixe(AccessTokenProviderBase):
    """The bot's token for the connector, as MSAL would get it from Entra (not reachable here)."""

    def __init__(self) -> None:
        self.demandes = 0

    @property
    def configuration(self) -> AgentAuthConfiguration:
        return AgentAuthConfiguration(client_id=APP_ID, tenant_id=TENANT)

    async def get_access_token(
        self, resource_url: str, scopes: list[str], force_refresh: bool = False
    ) -> str:
        self.demandes += 1
        return JETON_SORTANT

    def get_token_credential(self) -> Any:
        raise NotImplementedError

    async def acquire_token_on_behalf_of(self, scopes: list[str], user_assertion: str) -> str:
        raise NotImplementedError

    async def get_agentic_application_token(self, *args: Any) -> str | None:
        raise NotImplementedError

    async def get_agentic_instance_token(self, *args: Any) -> tuple[str, str]:
        raise NotImplementedError

    async def get_agentic_user_token(self, *args: Any) -> str | None:
        raise NotImplementedError


def conversation_de(personne: str) -> str:
    return f"a:perso-{personne}"


class Teams:
    """What a Teams test drives: the server (as the Bot Connector calls it) and the fake."""

    def __init__(
        self,
        client: TestClient[Any, Any],
        faux: FauxConnecteur,
        emetteur: Emetteur,
        service: Service,
        service_url: str,
    ) -> None:
        self.client = client
        self.faux = faux
        self.emetteur = emetteur
        self.service = service
        self.service_url = service_url
        self.capricieux: StoreCapricieux | None = None
        self.canal: TeamsChannel | None = None
        self.port_connecteur = 0

    # --- activities as Teams sends them ----------------------------------------------------

    def activite(
        self, personne: str, conversation: dict[str, Any] | None = None, **champs: Any
    ) -> dict[str, Any]:
        n = next(_IDS)
        corps: dict[str, Any] = {
            "type": "message", "id": f"1700000000{n:06d}",
            "timestamp": datetime.now(UTC).isoformat(), "serviceUrl": self.service_url,
            "channelId": "msteams", "locale": "fr-FR",
            "from": {"id": f"29:teams-{personne}", "name": NOMS.get(personne, personne),
                     "aadObjectId": personne},
            "conversation": conversation or {
                "conversationType": "personal", "tenantId": TENANT,
                "id": conversation_de(personne),
            },
            "recipient": {"id": f"28:{APP_ID}", "name": "cqp-bot"},
            "channelData": {"tenant": {"id": TENANT}},
        }  # fmt: skip
        corps.update(champs)
        return corps

    async def poster(
        self, corps: dict[str, Any], jeton: str | None = "bon", **entetes: str
    ) -> ClientResponse:
        """POST an activity to /api/messages with a token of the local issuer."""
        if jeton == "bon":
            jeton = self.emetteur.jeton(aud=APP_ID, serviceurl=self.service_url)
        if jeton is not None:
            entetes.setdefault("Authorization", f"Bearer {jeton}")
        return await self.client.post("/api/messages", json=corps, headers=entetes)

    async def ecrire(self, personne: str, texte: str, **options: Any) -> ClientResponse:
        return await self.poster(self.activite(personne, text=texte, textFormat="plain"), **options)

    async def cliquer(self, personne: str, appel: Appel, titre: str) -> ClientResponse:
        """Press the button titled ``titre`` (a prefix) of the card in ``appel``."""
        for libelle, donnees in appel.boutons().items():
            if libelle.startswith(titre):
                return await self.poster(self.activite(personne, replyToId=appel.id, value=donnees))
        raise AssertionError(f"no button {titre!r} in {list(appel.boutons())}")

    async def soumettre(
        self, personne: str, appel: Appel, valeurs: dict[str, str], titre: str = ""
    ) -> ClientResponse:
        """Fill the card's inputs and press its submit button: Teams merges both into value."""
        for libelle, donnees in appel.boutons().items():
            if libelle.startswith(titre) and "formulaire" in donnees:
                return await self.poster(
                    self.activite(personne, replyToId=appel.id, value={**donnees, **valeurs})
                )
        raise AssertionError(f"no submit button {titre!r} in {list(appel.boutons())}")

    async def installer(self, personne: str) -> ClientResponse:
        """The app installed in someone's personal scope: a conversationUpdate adding the bot."""
        return await self.poster(
            self.activite(personne, type="conversationUpdate",
                          membersAdded=[{"id": f"28:{APP_ID}"}])
        )  # fmt: skip

    async def ajouter_au_canal(
        self, personne: str, conversation: str, prive: bool = True
    ) -> ClientResponse:
        """The bot added to a team's channel by ``personne``."""
        corps = self.activite(
            personne, type="conversationUpdate", membersAdded=[{"id": f"28:{APP_ID}"}],
            conversation={"conversationType": "channel", "tenantId": TENANT, "id": conversation,
                          "isGroup": True},
            channelData={"tenant": {"id": TENANT}, "team": {"id": "19:equipe@thread.tacv2"},
                         "channel": {"id": conversation, "name": "Résultats CQP",
                                     "membershipType": "private" if prive else "standard"}},
        )  # fmt: skip
        return await self.poster(corps)

    # --- what Teams received -----------------------------------------------------------------

    def faux_url(self, chemin: str) -> str:
        return self.service_url.rsplit("/teams/", 1)[0] + chemin

    def dernier_a(self, personne: str, contenant: str = "") -> Appel:
        return self.faux.dernier(conversation_de(personne), contenant)


@asynccontextmanager
async def teams(dossier: Path, port_connecteur: int = 0, **reglages: Any) -> AsyncIterator[Teams]:
    """The bot with its Teams channel, a fake Bot Connector (on ``port_connecteur``: the same
    one again after a restart, as the stored references name it) and a fake Entra ID."""
    faux = FauxConnecteur()
    serveur_faux = TestServer(faux.app(), host="127.0.0.1", port=port_connecteur)
    await serveur_faux.start_server()
    service_url = str(serveur_faux.make_url("/teams/"))
    emetteur = Emetteur()
    await emetteur.demarrer()
    store: Any = StoreCapricieux(await open_store(dossier))
    options: dict[str, Any] = {
        "app_id": APP_ID, "app_password": "secret-de-test", "tenant_id": TENANT,
        "openid_url": emetteur.openid_url, "coordinateurs": frozenset({COORD}),
        "results_channel": RESULTATS, **reglages,
    }  # fmt: skip
    settings = TeamsSettings(**options)
    service = service_for(store, Annuaire(), settings.coordinateurs, settings.admins)
    canal = TeamsChannel(service, settings, jetons=JetonFixe(), depot_local=True)
    serveur = TestServer(create_app(service, Annuaire(), dossier, local=True, canaux=(canal,)))
    client: TestClient[Any, Any] = TestClient(serveur)
    await client.start_server()
    try:
        resultat = Teams(client, faux, emetteur, service, service_url)
        resultat.capricieux = store
        resultat.canal = canal
        resultat.port_connecteur = serveur_faux.port or 0
        yield resultat
    finally:
        await client.close()
        await store.fermer()
        await emetteur.arreter()
        await serveur_faux.close()
