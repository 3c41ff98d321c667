"""Shared set-up of the web chat tests: a real server app over a real on-disk store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from bot.server import create_app
from bot.web.annuaire import Annuaire, Personne, Role
from flows.service import Service
from referentiel import default
from storage import open_store
from tests.harnais import Horloge

ANNUAIRE = Annuaire(
    utilisateurs=(
        Personne(id="claire", nom="Claire Dubois", role=Role.COORDINATEUR),
        Personne(id="karim", nom="Karim Haddad", role=Role.EVALUATEUR),
        Personne(id="lea", nom="Léa Martin", role=Role.EVALUATEUR),
    )
)
CREATION = {
    "candidat_nom": "Jeanne Martin", "candidat_reference": "C042", "bloc": "B1",
    "evaluateur_1": "karim", "role_1": "expert_habilite",
    "evaluateur_2": "lea", "role_2": "expert_interne", "destination": "resultats",
}  # fmt: skip
EV = "ev-C042-B1"


class Appli:
    """The server app and what a test needs to reach behind it (the store, the data dir)."""

    def __init__(self, serveur: TestServer, service: Service, dossier: Path) -> None:
        self.serveur = serveur
        self.service = service
        self.dossier = dossier

    async def client(self) -> TestClient[Any, Any]:
        client: TestClient[Any, Any] = TestClient(self.serveur)
        await client.start_server()
        return client


@asynccontextmanager
async def appli(dossier: Path, local: bool = True) -> AsyncIterator[Appli]:
    store = await open_store(dossier)
    service = Service(store, default(), Horloge(), coordinateurs=ANNUAIRE.ids(Role.COORDINATEUR))
    serveur = TestServer(create_app(service, ANNUAIRE, dossier, local=local))
    try:
        yield Appli(serveur, service, dossier)
    finally:
        await serveur.close()
        await store.fermer()


async def connecter(client: TestClient[Any, Any], qui: str) -> dict[str, str]:
    """Local mode: open the page, pick ``qui``; the headers this page sends with each request."""
    await client.get("/")
    session = await (await client.get("/api/session")).json()
    assert qui in [p["id"] for p in session["personnes"]]
    return {"X-CSRF-Token": session["csrf"], "X-CQP-Utilisateur": qui}


async def envoyer(
    client: TestClient[Any, Any], entetes: dict[str, str], requete: str, **evenement: Any
) -> int:
    reponse = await client.post(
        "/api/evenements", json={"evenement": {"requete": requete, **evenement}}, headers=entetes
    )
    return reponse.status


async def fil(
    client: TestClient[Any, Any], entetes: dict[str, str], nom: str = "prive"
) -> list[dict[str, Any]]:
    fils = await (await client.get("/api/fils", headers=entetes)).json()
    return list(fils.get(nom, []))


async def flux(client: TestClient[Any, Any], qui: str) -> Any:
    """The page's WebSocket, as person ``qui`` (local mode)."""
    return await client.ws_connect(f"/api/flux?utilisateur={qui}")


def texte(entree: dict[str, Any]) -> str:
    """What a person reads in a bubble (the bot's blocks, or the line they typed)."""
    if entree["auteur"] == "moi":
        return str(entree["texte"])
    morceaux = []
    for bloc in entree["message"]["blocks"]:
        if "text" in bloc:
            morceaux.append(bloc["text"])
        for bouton in bloc.get("buttons", ()):
            morceaux.append(bouton["label"])
        for libelle, valeur in bloc.get("items", ()):
            morceaux.append(f"{libelle}: {valeur}")
    return " | ".join(morceaux)


def boutons(entree: dict[str, Any]) -> dict[str, str]:
    """A bubble's buttons, label → payload."""
    return {
        b["label"]: b["payload"]
        for bloc in entree["message"]["blocks"]
        for b in bloc.get("buttons", ())
    }
