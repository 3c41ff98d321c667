"""A fake Bot Connector on 127.0.0.1: what Teams' service URL answers, recording every call.

The bot calls it back as it would call ``https://smba.trafficmanager.net/…``:
``/v3/conversations`` (a new one-to-one conversation), ``…/activities`` (a new
message), ``…/activities/{id}`` (POST: a reply; PUT: an update in place). It
also stands for OneDrive's upload URL of a file consent. Every call is kept
(:class:`Appel`) so that tests assert what a Teams user would have seen; it
refuses calls without the bot's token, and can be told to fail the next calls.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

JETON_SORTANT = "jeton-du-bot-pour-le-connecteur"


@dataclass
class Appel:
    methode: str  # "envoi", "reponse", "maj", "creation", "depot"
    conversation: str
    activite: dict[str, Any]
    cible: str | None = None  # the activity replied to or updated
    id: str = ""

    @property
    def texte(self) -> str:
        """Everything a person reads in this activity: its text and its cards' texts."""
        morceaux = [str(self.activite.get("text") or "")]
        for piece in self.activite.get("attachments") or ():
            morceaux.extend(_textes(piece.get("content")))
        return "\n".join(m for m in morceaux if m)

    @property
    def cartes(self) -> list[dict[str, Any]]:
        return [
            p["content"]
            for p in self.activite.get("attachments") or ()
            if p.get("contentType") == "application/vnd.microsoft.card.adaptive"
        ]

    def boutons(self) -> dict[str, dict[str, Any]]:
        """The card's buttons by title (« A », « ✓ ECA »…) → their Action.Submit data.

        Where two buttons have the same title, the first one (the one a person sees first).
        """
        trouves: dict[str, dict[str, Any]] = {}
        for carte in self.cartes:
            for action in _actions(carte):
                trouves.setdefault(str(action.get("title")), dict(action.get("data") or {}))
        return trouves


def _textes(noeud: Any) -> list[str]:
    if isinstance(noeud, dict):
        sortie = [str(noeud[c]) for c in ("text", "title") if isinstance(noeud.get(c), str)]
        for cle, valeur in noeud.items():
            if cle not in ("text", "title"):
                sortie.extend(_textes(valeur))
        return sortie
    if isinstance(noeud, list):
        return [t for n in noeud for t in _textes(n)]
    return []


def _actions(noeud: Any) -> list[dict[str, Any]]:
    if isinstance(noeud, dict):
        trouvees = [noeud] if noeud.get("type") == "Action.Submit" else []
        return trouvees + [a for v in noeud.values() for a in _actions(v)]
    if isinstance(noeud, list):
        return [a for n in noeud for a in _actions(n)]
    return []


@dataclass
class FauxConnecteur:
    appels: list[Appel] = field(default_factory=list)
    pannes: list[int] = field(default_factory=list)
    """Statuses to answer the next calls with (429, 500…), one each, before answering again."""
    refuses: int = 0
    """Calls refused for a missing or wrong token."""
    depots: dict[str, bytes] = field(default_factory=dict)
    mortes: set[str] = field(default_factory=set)
    """Conversations the bot can no longer write to (the app uninstalled): 403."""
    jeton_attendu: str | None = JETON_SORTANT
    """The bearer token calls must carry; None: calls without one (the emulator's way)."""
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _signal: asyncio.Event = field(default_factory=asyncio.Event)

    def app(self) -> web.Application:
        app = web.Application()
        base = "/teams/v3/conversations"
        app.router.add_post(base, self._creation)
        app.router.add_post(base + "/{conversation}/activities", self._activite)
        app.router.add_post(base + "/{conversation}/activities/{cible}", self._activite)
        app.router.add_put(base + "/{conversation}/activities/{cible}", self._activite)
        app.router.add_put("/onedrive/{nom}", self._depot)
        return app

    def _autorise(self, request: web.Request) -> web.Response | None:
        attendu = None if self.jeton_attendu is None else f"Bearer {self.jeton_attendu}"
        if request.headers.get("Authorization") != attendu:
            self.refuses += 1
            return web.json_response({"error": {"code": "Unauthorized"}}, status=401)
        if self.pannes:
            statut = self.pannes.pop(0)
            return web.json_response(
                {"error": {"code": "Throttled"}}, status=statut, headers={"Retry-After": "0"}
            )
        return None

    def _noter(self, appel: Appel) -> None:
        self.appels.append(appel)
        self._signal.set()

    async def _creation(self, request: web.Request) -> web.Response:
        refus = self._autorise(request)
        if refus is not None:
            return refus
        corps = await request.json()
        ident = f"a:nouvelle-{next(self._ids)}"
        self._noter(Appel("creation", ident, corps, id=ident))
        return web.json_response({"id": ident, "activityId": f"act-{next(self._ids)}"})

    async def _activite(self, request: web.Request) -> web.Response:
        refus = self._autorise(request)
        if refus is not None:
            return refus
        if request.match_info["conversation"] in self.mortes:
            return web.json_response({"error": {"code": "BotNotInConversationRoster"}}, status=403)
        corps = await request.json()
        cible = request.match_info.get("cible")
        methode = "maj" if request.method == "PUT" else ("reponse" if cible else "envoi")
        ident = cible if methode == "maj" else f"act-{next(self._ids)}"
        assert ident is not None
        self._noter(Appel(methode, request.match_info["conversation"], corps, cible, ident))
        return web.json_response({"id": ident})

    async def _depot(self, request: web.Request) -> web.Response:
        contenu = await request.read()
        self.depots[request.match_info["nom"]] = contenu
        self._noter(Appel("depot", "-", {"taille": len(contenu)}, id=request.match_info["nom"]))
        return web.json_response({"id": "fichier"}, status=201)

    # --- for the tests ---------------------------------------------------------------------

    def vers(self, conversation: str) -> list[Appel]:
        """Messages posted or updated in a conversation, oldest first."""
        return [a for a in self.appels if a.conversation == conversation]

    def dernier(self, conversation: str, contenant: str = "") -> Appel:
        for appel in reversed(self.vers(conversation)):
            if contenant in appel.texte:
                return appel
        raise AssertionError(
            f"no message with {contenant!r} in {conversation}: "
            + " | ".join(a.texte[:80] for a in self.vers(conversation))
        )

    def vider(self) -> None:
        self.appels.clear()
