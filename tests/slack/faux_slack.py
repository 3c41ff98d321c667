"""A loopback fake of Slack's Web API: an aiohttp app on 127.0.0.1 that answers and records.

The bot's real ``AsyncWebClient`` talks to it through ``base_url``; each
call is recorded with its arguments (form or JSON, JSON-in-form decoded) for
the tests to read what Slack would have received. ``echecs`` makes a method
fail the way Slack does (``ratelimited`` with Retry-After, ``channel_not_found``).
Slash commands' and actions' ``response_url`` point at ``/reponse/<id>`` here.
Like Slack, it refuses a method whose scope the app was not granted
(``missing_scope``): the scopes are those of our manifest (bot/slack/manifest.yml);
and blocks whose ids repeat in one message or view (``invalid_blocks``).
"""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestServer

BOT_USER = "UBOTCQP"
MANIFESTE = Path(__file__).resolve().parents[2] / "bot" / "slack" / "manifest.yml"


def portees_du_manifeste() -> frozenset[str]:
    """The bot scopes our manifest asks for: what an admin installing it grants."""
    manifeste = yaml.safe_load(MANIFESTE.read_text(encoding="utf-8"))
    return frozenset(manifeste["oauth_config"]["scopes"]["bot"])


def portee_requise(methode: str, args: dict[str, Any]) -> str | None:
    """The bot scope a Web API method needs (Slack's method reference), for the calls we make."""
    if methode in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
        return "chat:write"
    if methode == "conversations.open":  # one person: a DM; several: a group DM
        return "mpim:write" if "," in str(args.get("users") or "") else "im:write"
    if methode == "conversations.info":  # a private channel (what results need): groups:read
        return "im:read" if str(args.get("channel") or "").startswith("D") else "groups:read"
    if methode == "users.info":
        return "users:read"
    if methode.startswith("files."):
        return "files:write"
    return None


def _ids_repetes(blocs: Any) -> bool:
    """Whether two blocks share a block_id (Slack refuses the message or view)."""
    if not isinstance(blocs, list):
        return False
    ids = [b["block_id"] for b in blocs if isinstance(b, dict) and "block_id" in b]
    return len(ids) != len(set(ids))


MAX_BLOCS = {"message": 50, "vue": 100}
"""Blocks Slack takes in a message, in a view (a modal, the App Home)."""


def _hors_limites(blocs: Any, maximum: int) -> bool:
    """Whether Slack would refuse these blocks as too many or too long: more than
    ``maximum`` blocks, a header over 150 characters, a section's text over 3,000, a field
    or a context's element over 2,000."""
    if not isinstance(blocs, list):
        return False
    if len(blocs) > maximum:
        return True
    for bloc in blocs:
        if not isinstance(bloc, dict):
            continue
        texte = bloc.get("text")
        limite = 150 if bloc.get("type") == "header" else 3000
        if isinstance(texte, dict) and len(str(texte.get("text", ""))) > limite:
            return True
        autres = [*bloc.get("fields", ())]
        if bloc.get("type") == "context":
            autres += bloc.get("elements", ())
        if any(len(str(t.get("text", ""))) > 2000 for t in autres if isinstance(t, dict)):
            return True
    return False


@dataclass
class Appel:
    methode: str
    args: dict[str, Any]


@dataclass
class FauxSlack:
    appels: list[Appel] = field(default_factory=list)
    echecs: dict[str, list[tuple[str, int | None]]] = field(default_factory=dict)
    """Per method, errors to answer first, in order: (error, Retry-After or None)."""
    canaux_publics: set[str] = field(default_factory=set)
    fichiers: dict[str, bytes] = field(default_factory=dict)
    socket: web.WebSocketResponse | None = None
    acquittements: list[dict[str, Any]] = field(default_factory=list)
    """What the app sent back over Socket Mode (its acks, with their envelope ids)."""
    """Files uploaded (files_upload_v2), by file id."""
    serveur: TestServer | None = None
    portees: frozenset[str] = field(default_factory=portees_du_manifeste)
    """The scopes granted to the app."""
    suspendus: set[str] = field(default_factory=set)
    """Methods whose calls hang, unrecorded, until the server stops (Slack unreachable)."""
    en_suspens: int = 0
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def base_url(self) -> str:
        assert self.serveur is not None
        return str(self.serveur.make_url("/api/"))

    def url_reponse(self, nom: str) -> str:
        assert self.serveur is not None
        return str(self.serveur.make_url(f"/reponse/{nom}"))

    def de(self, methode: str) -> list[dict[str, Any]]:
        return [a.args for a in self.appels if a.methode == methode]

    async def demarrer(self) -> None:
        app = web.Application()
        app.router.add_post("/api/{methode}", self._api)
        app.router.add_get("/api/{methode}", self._api)  # the SDK reads some methods by GET
        app.router.add_post("/reponse/{nom}", self._reponse)
        app.router.add_post("/televersement/{fichier}", self._televersement)
        app.router.add_get("/socket", self._socket)
        self.serveur = TestServer(app, host="127.0.0.1")
        await self.serveur.start_server()

    async def arreter(self) -> None:
        if self.serveur is not None:
            await self.serveur.close()

    async def _lire(self, request: web.Request) -> dict[str, Any]:
        # The SDK sends some methods' arguments in the query string, others in the body.
        donnees: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            return {**donnees, **dict(await request.json())}
        donnees.update(await request.post())
        for cle in ("blocks", "view", "attachments"):
            if isinstance(donnees.get(cle), str):
                donnees[cle] = json.loads(donnees[cle])
        return donnees

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        """Socket Mode: say hello, send the queued envelopes, keep what the app answers."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.socket = ws
        await ws.send_json({"type": "hello", "num_connections": 1})
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                self.acquittements.append(json.loads(message.data))
        return ws

    async def _televersement(self, request: web.Request) -> web.Response:
        """Step 2 of files_upload_v2: the file's bytes, at the address step 1 gave."""
        self.fichiers[request.match_info["fichier"]] = await request.read()
        return web.Response(text="OK")

    async def _reponse(self, request: web.Request) -> web.Response:
        self.appels.append(
            Appel(f"response_url:{request.match_info['nom']}", await self._lire(request))
        )
        return web.Response(text="ok")

    async def _api(self, request: web.Request) -> web.Response:
        methode = request.match_info["methode"]
        args = await self._lire(request)
        if methode in self.suspendus:
            self.en_suspens += 1
            await asyncio.Event().wait()
        self.appels.append(Appel(methode, args))
        portee = portee_requise(methode, args)
        if portee is not None and portee not in self.portees:
            return web.json_response({"ok": False, "error": "missing_scope", "needed": portee})
        vue = (args.get("view") or {}).get("blocks")
        if _ids_repetes(args.get("blocks")) or _ids_repetes(vue):
            return web.json_response({"ok": False, "error": "invalid_blocks"})
        if _hors_limites(args.get("blocks"), MAX_BLOCS["message"]) or _hors_limites(
            vue, MAX_BLOCS["vue"]
        ):
            return web.json_response({"ok": False, "error": "invalid_blocks"})
        file = self.echecs.get(methode)
        if file:
            erreur, attente = file.pop(0)
            if erreur == "ratelimited":
                return web.json_response(
                    {"ok": False, "error": "ratelimited"}, status=429,
                    headers={"Retry-After": str(attente or 1)},
                )  # fmt: skip
            return web.json_response({"ok": False, "error": erreur})
        resultat = self._resultat(methode, args)
        if methode == "chat.postMessage":
            args["ts"] = resultat["ts"]  # so that a test can press this message's buttons
        return web.json_response({"ok": True, **resultat})

    def _resultat(self, methode: str, args: dict[str, Any]) -> dict[str, Any]:
        if methode == "auth.test":
            return {"user_id": BOT_USER, "bot_id": "BCQP", "team_id": "T0CQP", "url": "https://x/"}
        if methode in ("chat.postMessage", "chat.update"):
            ts = args.get("ts") or f"1700000000.{next(self._ts):06d}"
            return {"channel": args.get("channel"), "ts": ts, "message": {"ts": ts}}
        if methode == "chat.postEphemeral":
            return {"message_ts": f"1700000000.{next(self._ts):06d}"}
        if methode == "conversations.open":
            personnes = sorted(str(args["users"]).split(","))
            if len(personnes) > 1:  # a group DM
                return {"channel": {"id": "G" + "-".join(personnes)}}
            return {"channel": {"id": f"D{personnes[0]}"}}
        if methode == "conversations.info":
            canal = str(args.get("channel"))
            prive = canal not in self.canaux_publics
            return {"channel": {"id": canal, "is_private": prive, "is_channel": not prive}}
        if methode == "apps.connections.open":
            assert self.serveur is not None
            url = str(self.serveur.make_url("/socket")).replace("http://", "ws://")
            return {"url": url}
        if methode == "files.getUploadURLExternal":
            identifiant = f"F{next(self._ts)}"
            assert self.serveur is not None
            url = str(self.serveur.make_url(f"/televersement/{identifiant}"))
            return {"file_id": identifiant, "upload_url": url}
        if methode == "files.completeUploadExternal":
            fichiers = args.get("files")
            if isinstance(fichiers, str):
                fichiers = json.loads(fichiers)
            return {"files": [{"id": f["id"], "title": f.get("title")} for f in fichiers or []]}
        if methode == "users.info":
            return {"user": {"id": args.get("user"), "real_name": f"Nom de {args.get('user')}"}}
        if methode.startswith("views."):
            return {"view": {"id": f"V{next(self._ts)}", **(args.get("view") or {})}}
        return {}
