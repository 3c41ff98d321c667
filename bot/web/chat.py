"""The web chat's HTTP side: the page, sign-in, events in, live pushes out.

Routes (mounted on the server of :mod:`bot.server`):

- ``GET /``: the chat page (plain HTML/CSS/JS from ``static/``, no build, no
  CDN). Off loopback, without a session: a 401 page that says how to sign in.
- ``GET /connexion?jeton=…``: a sign-in link (``cqp-bot users invite``) opens a session.
- ``GET|POST /api/session``: who am I; in local mode, pick who you are.
- ``GET /api/fils``: the conversations this person sees.
- ``POST /api/evenements``: a line typed, a button pressed, a form sent.
- ``GET /api/flux``: a WebSocket pushing new and updated messages.
- ``GET /fichiers/{id}``: a file the bot sent to this person (the jury's export).
- ``GET /api/tableau``: the « Tableau de bord » page's rows (:mod:`bot.web.tableau`).

Every POST carries the session's CSRF token in ``X-CSRF-Token``; requests
whose ``Origin`` is another site are refused; cookies are ``HttpOnly`` and
``SameSite=Lax``. In local mode each page says who it is (``X-CQP-Utilisateur``)
and only loopback ``Host`` names are answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import secrets
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from aiohttp import WSCloseCode, WSMsgType, web
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from bot.delivery import Delivery
from bot.web.access import SESSION_MAX_AGE, Invitations, Session, Sessions
from bot.web.annuaire import Annuaire, Personne, Role
from bot.web.hub import Hub, WebAt
from bot.web.tableau import TableauDeBord
from flows import catalogue
from flows.messages import (
    MAX_TYPED,
    ChoiceEvent,
    Event,
    FormEvent,
    Origin,
    TextEvent,
)
from flows.service import Service
from flows.usecases import Locks

STATIQUE = Path(__file__).parent / "static"
HEADER_UTILISATEUR = "X-CQP-Utilisateur"
HOTES_LOCAUX = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
CHANNEL = "web"

_RequestId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{8,64}$")]
_MessageId = Annotated[str, StringConstraints(pattern=r"^m[0-9a-z]{1,16}-[0-9]{1,12}$")]


class _Entrant(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    requete: _RequestId


class _Texte(_Entrant):
    type: Literal["texte"]
    texte: Annotated[str, StringConstraints(min_length=1, max_length=4 * MAX_TYPED)]


class _Choix(_Entrant):
    type: Literal["choix"]
    payload: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    message: _MessageId | None = None


class _Formulaire(_Entrant):
    type: Literal["formulaire"]
    formulaire: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    valeurs: dict[
        Annotated[str, StringConstraints(max_length=40)],
        Annotated[str, StringConstraints(max_length=MAX_TYPED)],
    ] = Field(max_length=40)
    message: _MessageId | None = None


class _Corps(BaseModel):
    evenement: Annotated[_Texte | _Choix | _Formulaire, Field(discriminator="type")]


@dataclass
class WebChat:
    """What the routes share: the service, the people, the sign-in keys, the fils."""

    service: Service
    annuaire: Annuaire
    sessions: Sessions
    invitations: Invitations
    local: bool
    """Listening on loopback only: a person picks who they are, no sign-in link needed."""
    hub: Hub
    public_url: str | None = None
    """The address people open, when a reverse proxy stands in front (``CQP_PUBLIC_URL``)."""

    def __post_init__(self) -> None:
        self.delivery = Delivery(self.hub, self.service, frozenset())
        self._people = Locks()
        self._pages: weakref.WeakSet[web.WebSocketResponse] = weakref.WeakSet()

    # --- who is asking -----------------------------------------------------------------

    def session(self, request: web.Request) -> Session | None:
        return self.sessions.decoder(request.cookies.get(Sessions.COOKIE))

    def personne(self, request: web.Request) -> Personne | None:
        """Who is asking, or None.

        Local mode: the person the *page* picked, sent with each request
        (``X-CQP-Utilisateur``, or ``?utilisateur=`` for the WebSocket), so that two
        windows of one browser can be two people. Otherwise: the session a sign-in
        link opened, while that link's nonce is still the person's current one.
        """
        if self.local:
            identifiant = request.headers.get(HEADER_UTILISATEUR) or request.query.get(
                "utilisateur"
            )
            return self.annuaire.personne(identifiant) if identifiant else None
        session = self.session(request)
        if session is None or session.utilisateur is None or session.nonce is None:
            return None
        actuel = self.invitations.actuel(session.utilisateur)
        if actuel is None or not secrets.compare_digest(actuel, session.nonce):
            return None  # invited again, or revoked: this session ends
        return self.annuaire.personne(session.utilisateur)

    def _poser_cookie(
        self, response: web.StreamResponse, request: web.Request, session: Session
    ) -> None:
        # Lax, not Strict: a sign-in link opened from a mail or another app must arrive
        # signed in; every POST carries the CSRF token anyway.
        securise = request.secure or (self.public_url or "").startswith("https://")
        response.set_cookie(
            Sessions.COOKIE, self.sessions.encoder(session), max_age=SESSION_MAX_AGE,
            httponly=True, samesite="Lax", secure=securise, path="/",
        )  # fmt: skip

    def _meme_origine(self, request: web.Request) -> bool:
        """No ``Origin``, or ours (as requested, or the public address behind a proxy)."""
        origine = request.headers.get("Origin")
        if origine is None:
            return True
        nous = {request.host}
        if self.public_url:
            nous.add(urlsplit(self.public_url).netloc)
        return urlsplit(origine).netloc in nous

    def _verifier_hote(self, request: web.Request) -> None:
        """Local mode answers only to a loopback name: no DNS rebinding onto a local server."""
        if self.local and request.url.host not in HOTES_LOCAUX:
            raise _erreur(web.HTTPMisdirectedRequest, catalogue.WEB_HOTE_INCONNU)

    def verifier_post(self, request: web.Request) -> Session:
        self._verifier_hote(request)
        session = self.session(request)
        jeton = request.headers.get("X-CSRF-Token", "")
        if (
            session is None
            or not self._meme_origine(request)
            or not jeton
            or not secrets.compare_digest(jeton, session.csrf)
        ):
            raise _erreur(web.HTTPForbidden, catalogue.WEB_CSRF)
        return session

    def identifie(self, request: web.Request) -> Personne:
        self._verifier_hote(request)
        personne = self.personne(request)
        if personne is None:
            raise _erreur(web.HTTPUnauthorized, catalogue.WEB_NON_CONNECTE)
        return personne

    # --- pages -------------------------------------------------------------------------

    async def page(self, request: web.Request) -> web.StreamResponse:
        self._verifier_hote(request)
        session = self.session(request)
        if not self.local and self.personne(request) is None:
            return page_401()
        response = web.FileResponse(STATIQUE / "index.html")
        response.headers["Cache-Control"] = "no-store"
        if session is None:
            self._poser_cookie(response, request, self.sessions.nouvelle())
        return response

    async def connexion(self, request: web.Request) -> web.StreamResponse:
        lien = self.invitations.verifier(request.query.get("jeton", ""))
        if lien is None or self.annuaire.personne(lien[0]) is None:
            return page_401(catalogue.WEB_LIEN_INVALIDE)
        response = web.Response(status=303, headers={"Location": "/"})
        self._poser_cookie(response, request, self.sessions.nouvelle(*lien))
        return response

    # --- api ---------------------------------------------------------------------------

    async def lire_session(self, request: web.Request) -> web.Response:
        """The CSRF token to post with, who is signed in, and (local mode) who can be picked."""
        self._verifier_hote(request)
        session = self.session(request)
        personne = self.personne(request)
        if not self.local and personne is None:
            raise _erreur(web.HTTPUnauthorized, catalogue.WEB_NON_CONNECTE)
        nouvelle = session is None
        if session is None:
            session = self.sessions.nouvelle()
        corps: dict[str, Any] = {
            "csrf": session.csrf,
            "local": self.local,
            "utilisateur": _personne_json(personne),
        }
        if self.local or (personne is not None and personne.role is not Role.EVALUATEUR):
            # To pick who one is (local mode), and the people a coordinateur names in a form.
            corps["personnes"] = [_personne_json(p) for p in self.annuaire.personnes]
        response = web.json_response(corps, headers={"Cache-Control": "no-store"})
        if nouvelle:
            self._poser_cookie(response, request, session)
        return response

    async def fils(self, request: web.Request) -> web.Response:
        personne = self.identifie(request)
        return web.json_response(self.hub.fils(personne.id), headers={"Cache-Control": "no-store"})

    async def evenement(self, request: web.Request) -> web.Response:
        self.verifier_post(request)
        personne = self.identifie(request)
        try:
            corps = _Corps.model_validate(await _json(request))
        except ValidationError:
            raise _erreur(web.HTTPBadRequest, catalogue.WEB_EVENEMENT_INVALIDE) from None
        entrant = corps.evenement
        origine = Origin(channel=CHANNEL, conversation=f"dm-{personne.id}", user=personne.id)
        requete = f"web-{entrant.requete}"
        # One event of a person at a time: a typed line is shown, then its answer, before
        # the next line.
        async with self._people.hold(personne.id):
            at = WebAt(personne.id)
            if await self.delivery.delivered(origine, requete):
                # A retry of a request already answered: its replies are in the fils (and were
                # pushed); the service would only repeat them.
                return web.json_response({"ok": True})
            evenement: Event
            if isinstance(entrant, _Texte):
                if not await self.service.outbox.seen(origine, requete):  # a retry: shown once
                    self.hub.ecrit(personne.id, entrant.texte[:MAX_TYPED])
                trop_long = len(entrant.texte) if len(entrant.texte) > MAX_TYPED else 0
                evenement = TextEvent(
                    origin=origine, request_id=requete, text=entrant.texte[:MAX_TYPED],
                    trop_long=trop_long,
                )  # fmt: skip  # an overlong text is answered so by the service, once
            elif isinstance(entrant, _Choix):
                evenement = ChoiceEvent(
                    origin=origine, request_id=requete, payload=entrant.payload,
                    message=entrant.message,
                )  # fmt: skip
                at = WebAt(personne.id, entrant.message)
            else:
                # Everyone is named as the users file names them: the people a form picks, and
                # the pairs the candidates' records give (``creer-evaluations``), whose
                # independence rules compare names.
                noms = {p.id: p.nom for p in self.annuaire.personnes}
                evenement = FormEvent(
                    origin=origine, request_id=requete, form=entrant.formulaire,
                    values=entrant.valeurs, names=noms, message=entrant.message,
                )  # fmt: skip
                at = WebAt(personne.id, entrant.message)
            replies = await self.service.handle(evenement)
            await self.delivery.deliver(origine, replies, at, requete)
        return web.json_response({"ok": True})

    async def flux(self, request: web.Request) -> web.WebSocketResponse:
        personne = self.identifie(request)
        if self.session(request) is None or not self._meme_origine(request):
            raise _erreur(web.HTTPForbidden, catalogue.WEB_CSRF)
        ws = web.WebSocketResponse(heartbeat=30)
        await ws.prepare(request)
        self._pages.add(ws)
        abonne = self.hub.abonner(personne.id)

        async def envoyer() -> None:
            while True:
                await ws.send_json(await abonne.file.get())

        tache = asyncio.create_task(envoyer())
        try:
            async for message in ws:  # the page sends nothing; this waits for it to close
                if message.type == WSMsgType.ERROR:
                    break
        finally:
            tache.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await tache
            self.hub.desabonner(abonne)
            self._pages.discard(ws)
        return ws

    async def fermer(self, app: web.Application) -> None:
        """On shutdown: close the open pages' WebSockets (they reconnect to the next server)."""
        for ws in list(self._pages):
            await ws.close(code=WSCloseCode.GOING_AWAY, message=b"arret")

    async def fichier(self, request: web.Request) -> web.Response:
        personne = self.identifie(request)
        fichier = self.hub.fichier(personne.id, request.match_info["id"])
        if fichier is None:
            raise _erreur(web.HTTPNotFound, catalogue.WEB_FICHIER_INCONNU)
        return web.Response(
            body=fichier.contenu.encode(),
            content_type=fichier.type_media,
            charset="utf-8",
            headers={"Content-Disposition": f'attachment; filename="{fichier.nom}"'},
        )

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/", self.page)
        app.router.add_get("/connexion", self.connexion)
        app.router.add_get("/api/session", self.lire_session)
        app.router.add_get("/api/fils", self.fils)
        app.router.add_post("/api/evenements", self.evenement)
        app.router.add_get("/api/flux", self.flux)
        app.router.add_get("/fichiers/{id}", self.fichier)
        app.router.add_get("/api/tableau", TableauDeBord(self).lire)
        app.router.add_static("/static", STATIQUE, append_version=False)
        app.on_startup.append(self._resume)
        app.on_shutdown.append(self.fermer)

    async def _resume(self, app: web.Application) -> None:
        """What a crash kept from going out, into the fils (a card updated in place)."""
        await self.delivery.resume(CHANNEL, lambda p: WebAt(p.origin.user, p.message))


def voit_resultats(annuaire: Annuaire) -> Any:
    """Who sees the « Résultats » fil: coordinateurs and admins."""
    roles = {Role.COORDINATEUR, Role.ADMIN}
    return lambda utilisateur: (p := annuaire.personne(utilisateur)) is not None and p.role in roles


def _personne_json(personne: Personne | None) -> dict[str, str] | None:
    if personne is None:
        return None
    return {"id": personne.id, "nom": personne.nom, "role": personne.role.value}


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        donnees = await request.json()
    except ValueError:
        raise _erreur(web.HTTPBadRequest, catalogue.WEB_EVENEMENT_INVALIDE) from None
    if not isinstance(donnees, dict):
        raise _erreur(web.HTTPBadRequest, catalogue.WEB_EVENEMENT_INVALIDE)
    return donnees


def _erreur(kind: type[web.HTTPException], message: str) -> web.HTTPException:
    corps = json.dumps({"erreur": message}, ensure_ascii=False)
    return kind(text=corps, content_type="application/json")


def page_401(raison: str | None = None) -> web.Response:
    """The page for someone who is not signed in on a server reachable from the network."""
    corps = catalogue.WEB_PAGE_401.format(
        raison=html.escape(raison or catalogue.WEB_PAS_DE_SESSION)
    )
    return web.Response(status=401, text=corps, content_type="text/html", charset="utf-8")
