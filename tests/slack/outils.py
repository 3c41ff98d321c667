"""Slack tests: the real server app with Slack mounted, signed requests shaped like Slack's."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer

from bot.server import create_app, service_for
from bot.slack.channel import SlackChannel
from bot.slack.settings import SlackSettings
from bot.web.annuaire import Annuaire
from flows.service import Service
from storage import open_store
from storage.errors import WriteFailed
from tests.slack.faux_slack import FauxSlack

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
COORD, EXPERT, INTERNE, INTRUS = "UCOORD01", "UEXPERT1", "UINTERNE", "UINTRUS1"
RESULTATS = "GRESULT01"


class Slack:
    """What a Slack test drives: the server (as Slack calls it) and the fake Web API."""

    def __init__(self, client: TestClient[Any, Any], faux: FauxSlack, service: Service) -> None:
        self.client = client
        self.faux = faux
        self.service = service
        self._ids = itertools.count(1)
        self.canal: SlackChannel | None = None
        self.capricieux: StoreCapricieux | None = None

    # --- requests as Slack sends them -----------------------------------------------------

    async def poster(
        self,
        corps: str,
        content_type: str,
        horodatage: int | None = None,
        secret: str = SECRET,
        entetes: dict[str, str] | None = None,
    ) -> ClientResponse:
        ts = str(horodatage if horodatage is not None else int(time.time()))
        signature = hmac.new(secret.encode(), f"v0:{ts}:{corps}".encode(), hashlib.sha256)
        return await self.client.post(
            "/slack/events",
            data=corps.encode(),
            headers={
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": ts,
                "X-Slack-Signature": f"v0={signature.hexdigest()}",
                **(entetes or {}),
            },
        )

    async def commande(
        self, utilisateur: str, texte: str, canal: str = "C0GENERAL"
    ) -> ClientResponse:
        n = next(self._ids)
        corps = urlencode({
            "token": "x", "team_id": "T0CQP", "team_domain": "mutuelle", "channel_id": canal,
            "channel_name": "general", "user_id": utilisateur, "user_name": utilisateur.lower(),
            "command": "/cqp", "text": texte, "api_app_id": "A0CQP",
            "response_url": self.faux.url_reponse(f"cmd-{n}"), "trigger_id": f"{n}.trigger",
        })  # fmt: skip
        return await self.poster(corps, "application/x-www-form-urlencoded")

    async def interaction(self, payload: dict[str, Any], **options: Any) -> ClientResponse:
        corps = urlencode({"payload": json.dumps(payload)})
        return await self.poster(corps, "application/x-www-form-urlencoded", **options)

    async def cliquer(
        self, utilisateur: str, message: dict[str, Any], libelle: str, **options: Any
    ) -> ClientResponse:
        """Press the button labelled ``libelle`` (a prefix) of ``message`` (a call's args)."""
        for bloc in message["blocks"]:
            for element in bloc.get("elements", ()):
                if element.get("type") == "button" and element["text"]["text"].startswith(libelle):
                    return await self.cliquer_valeur(
                        utilisateur, message, element["action_id"], element["value"], **options
                    )
        raise AssertionError(f"no button {libelle!r} in {textes_de(message)}")

    async def cliquer_valeur(
        self, utilisateur: str, message: dict[str, Any], action_id: str, valeur: str,
        action_ts: str | None = None, ephemere: bool = False, block_id: str = "b",
        **options: Any,
    ) -> ClientResponse:  # fmt: skip
        n = next(self._ids)
        canal = message.get("channel", "D0")
        payload = {
            "type": "block_actions", "user": {"id": utilisateur, "team_id": "T0CQP"},
            "api_app_id": "A0CQP", "token": "x", "team": {"id": "T0CQP"},
            "container": {"type": "message", "message_ts": message.get("ts", "1.0"),
                          "channel_id": canal, "is_ephemeral": ephemere},
            "trigger_id": f"{n}.trigger", "channel": {"id": canal},
            "message": {"ts": message.get("ts", "1.0"), "blocks": message.get("blocks", [])},
            "response_url": self.faux.url_reponse(f"act-{n}"),
            "actions": [{"action_id": action_id, "block_id": block_id, "value": valeur,
                         "type": "button", "action_ts": action_ts or f"{time.time():.6f}"}],
        }  # fmt: skip
        return await self.interaction(payload, **options)

    async def soumettre_vue(
        self, utilisateur: str, vue: dict[str, Any], valeurs: dict[str, str]
    ) -> ClientResponse:
        types = {
            b["block_id"]: b["element"]["type"]
            for b in vue.get("blocks", ())
            if b["type"] == "input"
        }
        cles = {"users_select": "selected_user", "conversations_select": "selected_conversation"}
        etat = {
            nom: {"valeur": {"type": types.get(nom, "plain_text_input"),
                             cles.get(types.get(nom, ""), "value"): v}}
            for nom, v in valeurs.items()
        }  # fmt: skip
        payload = {
            "type": "view_submission", "team": {"id": "T0CQP"}, "user": {"id": utilisateur},
            "api_app_id": "A0CQP", "token": "x", "trigger_id": f"{next(self._ids)}.trigger",
            "view": {**vue, "id": vue.get("id", "V1"), "hash": f"h{next(self._ids)}",
                     "state": {"values": etat}},
        }  # fmt: skip
        return await self.interaction(payload)

    async def evenement(
        self, evenement: dict[str, Any], event_id: str | None = None, **options: Any
    ) -> ClientResponse:
        corps = json.dumps({
            "token": "x", "team_id": "T0CQP", "api_app_id": "A0CQP", "event": evenement,
            "type": "event_callback", "event_id": event_id or f"Ev{next(self._ids)}",
            "event_time": int(time.time()),
        })  # fmt: skip
        return await self.poster(corps, "application/json", **options)

    async def ecrire(self, utilisateur: str, texte: str, **options: Any) -> ClientResponse:
        n = next(self._ids)
        return await self.evenement(
            {"type": "message", "channel": f"D{utilisateur}", "user": utilisateur, "text": texte,
             "ts": f"1700000100.{n:06d}", "channel_type": "im", "client_msg_id": f"msg-{n}"},
            **options,
        )  # fmt: skip

    # --- what Slack received --------------------------------------------------------------

    async def attendre(self, condition: Callable[[], bool], delai: float = 5.0) -> None:
        """The replies go out after the ack, in the background: wait for them."""
        fin = asyncio.get_running_loop().time() + delai
        while not condition():
            if asyncio.get_running_loop().time() > fin:
                raise AssertionError("Slack did not receive the expected calls")
            await asyncio.sleep(0.01)

    def messages_a(self, canal: str) -> list[dict[str, Any]]:
        return [a for a in self.faux.de("chat.postMessage") if a["channel"] == canal]

    def recus(self, canal: str) -> list[dict[str, Any]]:
        """What ``canal`` shows, in order: each message posted, and each update of one (a
        compétence's card moves on in place)."""
        return [
            a.args for a in self.faux.appels
            if a.methode in ("chat.postMessage", "chat.update") and a.args.get("channel") == canal
        ]  # fmt: skip

    def dernier_a(self, canal: str, contenant: str = "") -> dict[str, Any]:
        """The last message posted to ``canal`` (containing ``contenant``)."""
        for message in reversed(self.messages_a(canal)):
            if contenant in textes_de(message):
                return dict(message)
        raise AssertionError(f"nothing with {contenant!r} posted to {canal}")


def textes_de(message: dict[str, Any]) -> str:
    """The text a person reads in a Block Kit message (sections, fields, buttons, context)."""
    morceaux: list[str] = []
    for bloc in message.get("blocks") or ():
        if "text" in bloc and isinstance(bloc["text"], dict):
            morceaux.append(bloc["text"]["text"])
        for champ in bloc.get("fields", ()):
            morceaux.append(champ["text"])
        for element in bloc.get("elements", ()):
            morceaux.append(
                element.get("text", {}).get("text", "")
                if element.get("type") == "button"
                else element.get("text", "")
            )
    return " | ".join(morceaux) or str(message.get("text", ""))


class StoreCapricieux:
    """The store port (ours) over the real disk store, refusing the next writes when told to."""

    def __init__(self, store: Any) -> None:
        self._store = store
        self.refus = 0
        self.refus_adresses = 0
        self.adresses_ecrites: list[str] = []

    def __getattr__(self, nom: str) -> Any:
        return getattr(self._store, nom)

    async def sauver_adresse(self, adresse: Any) -> Any:
        if self.refus_adresses:
            self.refus_adresses -= 1
            raise WriteFailed(fichier="systeme", detail="No space left on device")
        resultat = await self._store.sauver_adresse(adresse)
        self.adresses_ecrites.append(str(resultat))
        return resultat

    async def enregistrer(self, *args: Any, **kwargs: Any) -> Any:
        if self.refus:
            self.refus -= 1
            raise WriteFailed(fichier="journal", detail="No space left on device")
        return await self._store.enregistrer(*args, **kwargs)


@asynccontextmanager
async def slack(dossier: Path, **reglages: Any) -> AsyncIterator[Slack]:
    faux = FauxSlack()
    await faux.demarrer()
    store: Any = StoreCapricieux(await open_store(dossier))
    settings = SlackSettings(
        bot_token="xoxb-test-cqp", signing_secret=SECRET, api_base_url=faux.base_url,
        results_channel=RESULTATS, coordinateurs=frozenset({COORD}), **reglages,
    )  # fmt: skip
    service = service_for(store, Annuaire(), settings.coordinateurs, settings.admins)
    canal = SlackChannel(service, settings)
    serveur = TestServer(create_app(service, Annuaire(), dossier, local=True, canaux=(canal,)))
    client: TestClient[Any, Any] = TestClient(serveur)
    await client.start_server()
    try:
        resultat = Slack(client, faux, service)
        resultat.canal = canal
        resultat.capricieux = store
        yield resultat
    finally:
        await client.close()
        await store.fermer()
        await faux.arreter()
