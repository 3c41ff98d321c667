"""The web chat's « Tableau de bord »: ``GET /api/tableau``, the dashboard's rows as JSON.

What a reader may see is decided once, in ``flows.tableau`` through
``flows.usecases.dashboard.rangs`` (who follows what, the blind rule), for every channel:
this module only reads the filters from the query — checked as the ``tableau`` command checks
its own, an unknown bloc or state said in French with a 400 — and says the rows in a shape the
page draws with ``textContent`` alone. The page's labels come with them, from the catalogue,
so the page holds no wording of its own for the dashboard. The answer also says whether the
reader may import candidates (``POST /api/candidats``, :mod:`bot.web.inscriptions`), so the page
shows its import form to them only; the route itself still decides.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.web.inscriptions import peut_importer
from flows import catalogue as txt
from flows import tableau
from flows.candidats import Etat
from flows.inscription import SessionCertification
from flows.messages import fold, shorten
from flows.tableau import ETATS_FILTRABLES, RETARD, Filtres, Ligne
from flows.usecases.dashboard import rangs
from referentiel import Referentiel

if TYPE_CHECKING:
    from bot.web.chat import WebChat

CLES = ("session", "bloc", "etat", "evaluateur")
AUTRES_CLES = frozenset({"utilisateur"})
"""Query keys that are no filter: in local mode, who the page is (as its WebSocket says it)."""
_DUMPS = partial(json.dumps, ensure_ascii=False, separators=(",", ":"))


def filtres_de_requete(requete: Mapping[str, str], referentiel: Referentiel) -> Filtres | str:
    """The filters the page asks for (``?session=&bloc=&etat=&evaluateur=``, empty: all), or
    the French message saying what is wrong — the same messages as ``tableau`` typed."""
    for cle in requete:
        if cle not in CLES and cle not in AUTRES_CLES:
            return txt.TAB_FILTRE_INCONNU.format(filtre=shorten(cle, 40))
    return tableau.verifier_filtres(requete, referentiel)


def sessions_filtrables(
    lignes: Sequence[Ligne],
    sessions: Sequence[SessionCertification],
    lecteur: str,
    admins: Collection[str],
) -> list[str]:
    """The sessions a reader may narrow to: those they coordinate, and those of the rows they
    see — never the name of a session they have nothing to do with."""
    noms = {s.nom for s in sessions if lecteur in s.coordinateurs or lecteur in admins}
    noms.update(ligne.session for ligne in lignes if ligne.session)
    return sorted(noms, key=fold)


def corps(
    lignes: Sequence[Ligne],
    filtres: Filtres,
    referentiel: Referentiel,
    sessions: Sequence[str],
    importer: bool = False,
    titre: str | None = None,
) -> dict[str, Any]:
    """The answer: the title, the page's labels, the blocs, the states (legend and filters),
    the sessions to filter on, whether the reader may import candidates, and one row per
    candidate, late ones first (as ``lignes``)."""
    titre = titre or tableau.titre_de(lignes, filtres)
    return {
        "titre": titre,
        "vide": tableau.vide(lignes, filtres),
        "textes": {
            **txt.TAB_WEB_TEXTES,
            "candidat": txt.TAB_COL_CANDIDAT,
            "cqp": txt.INS_COL_CQP,
            "tous": txt.TAB_FILTRE_TOUS,
        },
        "blocs": [{"id": b.id, "titre": b.titre} for b in referentiel.blocs],
        "etats": [
            {
                "code": e.value,
                "libelle": txt.TAB_ETATS[e.value],
                "filtre": e.value in ETATS_FILTRABLES,
            }
            for e in Etat
        ],
        "retard": {"code": RETARD, "libelle": txt.TAB_RETARD},
        "sessions": list(sessions),
        "importer": importer,
        "filtres": filtres.actifs,
        "lignes": [_ligne(ligne, referentiel) for ligne in lignes],
    }


def _ligne(ligne: Ligne, referentiel: Referentiel) -> dict[str, Any]:
    return {
        "reference": ligne.reference,
        "nom": ligne.nom,
        "session": ligne.session,
        "en_retard": ligne.en_retard,
        # The CQP proposal is the coordinateurs' reading, as in ``candidat``.
        "cqp": ligne.cqp(referentiel) if ligne.coordinateur else None,
        "cellules": [
            {
                "bloc": c.etat.bloc.id,
                "etat": c.etat.etat.value,
                "texte": c.texte,
                "retard": c.retard.isoformat() if c.retard is not None else None,
            }
            for c in ligne.cellules
        ],
    }


def _refus(message: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(
        text=_DUMPS({"erreur": message}),
        content_type="application/json",
        headers={"Cache-Control": "no-store"},
    )


@dataclass(frozen=True)
class TableauDeBord:
    """The route's handler, over the web chat's sign-in and service."""

    chat: WebChat

    async def lire(self, request: web.Request) -> web.Response:
        personne = self.chat.identifie(request)
        service = self.chat.service
        filtres = filtres_de_requete(request.query, service.referentiel)
        if isinstance(filtres, str):
            raise _refus(filtres)
        ctx = service.context
        lignes = await rangs(ctx, personne.id, filtres)
        toutes = await service.store.sessions()
        sessions = sessions_filtrables(lignes, toutes, personne.id, ctx.admins)
        importer = peut_importer(personne.id, ctx)  # never a form that would be refused
        titre = tableau.titre_de(lignes, filtres, toutes)
        return web.json_response(
            corps(lignes, filtres, service.referentiel, sessions, importer, titre),
            headers={"Cache-Control": "no-store"},
            dumps=_DUMPS,
        )
