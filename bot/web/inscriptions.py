"""The import of candidates from the web chat: a coordinateur uploads the spreadsheet.

``POST /api/candidats`` (multipart: ``fichier``, ``session``, ``debut``, ``fin``, ``jury``
AAAA-MM-JJ, ``essai``)
runs the very import of ``cqp-bot candidats importer`` (``flows.usecases.enrolment``): every
row checked, one problem and nothing is written, the same French report line by line. Unlike
the command line it runs while the bot does, through the bot's own store. Who may: those who
create evaluations (coordinateurs, admins); into a session that exists, its coordinateurs
only (and admins; one nobody coordinates, admins only). A new session gets the person who
imported it as its coordinateur.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from aiohttp import BodyPartReader, web
from pydantic import ValidationError

from bot import tableur
from flows import catalogue as txt
from flows.inscription import MAX_LIGNES, SessionCertification, session_nommee
from flows.usecases import Context, enrolment

if TYPE_CHECKING:
    from bot.web.chat import WebChat

MAX_OCTETS = 5 * 1024 * 1024
"""The largest file taken: 10,000 rows of a spreadsheet fit in far less."""


def peut_importer(personne: str, ctx: Context) -> bool:
    """Who may import: those who create evaluations (the configured coordinateurs, admins)."""
    return personne in ctx.coordinateurs or personne in ctx.admins


def routes(app: web.Application, chat: WebChat) -> None:
    async def importer(request: web.Request) -> web.Response:
        return await _importer(chat, request)

    app.router.add_post("/api/candidats", importer)


def _refus(statut: type[web.HTTPException], message: str) -> web.HTTPException:
    return statut(
        text=web.json_response({"ok": False, "lignes": [message]}).text,
        content_type="application/json",
    )


async def _champs(request: web.Request) -> tuple[dict[str, str], tuple[str, bytes] | None]:
    """The form's text fields, and the file (name, bytes) — read up to ``MAX_OCTETS``."""
    try:
        lecteur = await request.multipart()
    except (AssertionError, ValueError):
        raise _refus(web.HTTPBadRequest, txt.INS_WEB_FORMULAIRE_INVALIDE) from None
    valeurs: dict[str, str] = {}
    fichier = None
    while (partie := await lecteur.next()) is not None:
        if not isinstance(partie, BodyPartReader):
            raise _refus(web.HTTPBadRequest, txt.INS_WEB_FORMULAIRE_INVALIDE)
        contenu = bytearray()
        while morceau := await partie.read_chunk(64 * 1024):
            contenu += morceau
            if len(contenu) > MAX_OCTETS:
                message = txt.INS_WEB_TROP_GROS.format(max=MAX_OCTETS // 2**20, lignes=MAX_LIGNES)
                raise _refus(web.HTTPRequestEntityTooLarge, message)
        if partie.name == "fichier" and partie.filename:
            fichier = (partie.filename, bytes(contenu))
        elif partie.name in ("session", "essai", *txt.INS_WEB_CHAMPS_DATES):
            valeurs[partie.name] = contenu.decode("utf-8", errors="replace").strip()
    return valeurs, fichier


async def _importer(chat: WebChat, request: web.Request) -> web.Response:
    chat.verifier_post(request)
    personne = chat.identifie(request)
    ctx = chat.service.context
    if not peut_importer(personne.id, ctx):
        raise _refus(web.HTTPForbidden, txt.INS_WEB_INTERDIT)
    valeurs, fichier = await _champs(request)
    if fichier is None:
        raise _refus(web.HTTPBadRequest, txt.INS_WEB_SANS_FICHIER)
    dates: dict[str, date] = {}
    for champ, nom in txt.INS_WEB_CHAMPS_DATES.items():
        if valeurs.get(champ):
            try:
                dates[champ] = date.fromisoformat(valeurs[champ])
            except ValueError:
                message = txt.INS_WEB_DATE_INVALIDE.format(valeur=valeurs[champ][:20], champ=nom)
                raise _refus(web.HTTPBadRequest, message) from None
    maintenant = datetime.now(UTC)
    try:
        demandee = SessionCertification(
            nom=valeurs.get("session", ""), coordinateurs=(personne.id,), horodatage=maintenant,
            **dates,
        )  # fmt: skip
    except ValidationError as exc:
        nom_faux = any(e["loc"][:1] == ("nom",) for e in exc.errors())
        message = txt.INS_SESSION_INVALIDE if nom_faux else txt.INS_DATES_INVALIDES
        raise _refus(web.HTTPBadRequest, message) from None
    existante = session_nommee(demandee.nom, await ctx.store.sessions())
    if existante is not None and personne.id not in (*existante.coordinateurs, *ctx.admins):
        # One nobody coordinates (imported from the command line without --coordinateur) is
        # an admin's to hand over: importing into it would make the importer follow it.
        raise _refus(web.HTTPForbidden, txt.INS_WEB_PAS_VOTRE_SESSION.format(session=demandee.nom))
    try:
        lignes, notes = tableur.lire_contenu(fichier[0], fichier[1])
    except tableur.Illisible as exc:
        raise _refus(web.HTTPBadRequest, str(exc)) from None
    essai = valeurs.get("essai", "") not in ("", "0", "non", "false")
    if existante is not None:  # its coordinateurs stay as they are (an admin is not added)
        demandee = demandee.model_copy(update={"coordinateurs": existante.coordinateurs})
    try:
        inscription = await enrolment.importer(
            ctx.store, lignes, demandee, ctx.referentiel, maintenant, personne.id, essai=essai,
            coordinateurs_donnes=True,
        )  # fmt: skip
    except ValidationError:  # the dates given and the session's do not fit
        raise _refus(web.HTTPBadRequest, txt.INS_DATES_INVALIDES) from None
    corps = {
        "ok": not inscription.lecture.problemes,
        "ecrit": inscription.ecrite,
        "lignes": [*notes, *inscription.compte_rendu(essai)],
    }
    return web.json_response(corps, headers={"Cache-Control": "no-store"})
