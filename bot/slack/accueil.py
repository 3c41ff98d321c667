"""The App Home: what a person reads when they open the bot's Home tab in Slack.

It is built again each time the Home is opened (``app_home_opened``), so it reads as of now,
from three parts: for someone who coordinates, the dashboard of their candidates first (what
a coordinatrice opens the Home for); then their own evaluations (``mes-evaluations``); then,
for the coordinateurs and admins of the settings, where the evaluations they follow stand
(``statut``). The Home is private to the person: the candidates' names may be on it.

A Home view holds at most 100 blocks and 3,000 characters a text. The dashboard takes at most
:data:`MAX_LIGNES` + 4 of them, one section a candidate, and comes first, so that the cut at
100 (only ever of long lists below it) never takes it; the rest of the candidates are counted,
with the command that lists them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.slack import blockkit
from flows import catalogue, tableau
from flows.messages import CommandEvent, Origin, Reply
from flows.service import Service
from flows.usecases.dashboard import rangs
from referentiel import Referentiel

MAX_BLOCS = 100
"""Blocks a Home view holds (Slack refuses more)."""
MAX_LIGNES = tableau.MAX_LIGNES_MESSAGE
"""Candidates the Home lists: as many as the ``tableau`` command's message, for the same
reason — a list to glance at; the filters find the others."""


def _entete(texte: str) -> dict[str, Any]:
    return {"type": "header", "text": blockkit.plain(texte, 150)}


def _contexte(texte: str) -> dict[str, Any]:
    return {"type": "context", "elements": [blockkit.plain(texte, 2000)]}


def _ligne(ligne: tableau.Ligne, referentiel: Referentiel) -> dict[str, Any]:
    """One candidate, one section: who, then each bloc's state in words (lateness said, not
    only marked), and the CQP proposal for a candidate the reader follows."""
    libelle, etats = tableau.en_mots(ligne, referentiel)
    return {"type": "section", "text": blockkit.plain(f"{libelle}\n{etats}")}


def tableau_de_bord(
    lignes: Sequence[tableau.Ligne], referentiel: Referentiel
) -> list[dict[str, Any]]:
    """The dashboard's section of the Home; none for someone who coordinates nothing.

    ``lignes`` are the reader's rows (:func:`flows.usecases.dashboard.rangs`: who may see what,
    and the blind rule, are decided there), late ones first. The section shows them all, as
    ``/cqp tableau`` does, once one of them is a candidate the reader follows: an évaluateur
    has their own evaluations' list, and no dashboard.
    """
    if not any(ligne.coordinateur for ligne in lignes):
        return []
    retards = sum(ligne.en_retard for ligne in lignes)
    compte = (
        catalogue.SLACK_TABLEAU_COMPTE.format(n=len(lignes), retard=retards)
        if retards
        else catalogue.SLACK_TABLEAU_A_JOUR.format(n=len(lignes))
    )
    blocs = [_entete(catalogue.SLACK_TABLEAU_TITRE), _contexte(compte)]
    blocs.extend(_ligne(ligne, referentiel) for ligne in lignes[:MAX_LIGNES])
    if len(lignes) > MAX_LIGNES:
        blocs.append(_contexte(catalogue.SLACK_TABLEAU_PLUS.format(n=len(lignes) - MAX_LIGNES)))
    return blocs


async def vue(
    service: Service, origine: Origin, requete: str, suivi: bool
) -> tuple[dict[str, Any], list[Reply]]:
    """The Home view of ``origine``'s person, and the notices to send to their DM instead.

    ``suivi``: the person is a coordinateur or an admin of the settings, who gets the
    follow-up of ``statut`` (answered as ``requete``-statut). A notice beside a command's
    answer (a proposal that expired, what a flow still waits for) goes to the DM, never in
    place of the list.
    """
    lignes = await rangs(service.context, origine.user, tableau.Filtres())
    blocs = tableau_de_bord(lignes, service.referentiel)
    if blocs:
        blocs.append({"type": "divider"})
    replies = await service.handle(
        CommandEvent(origin=origine, request_id=requete, name="mes-evaluations")
    )
    avis = [r for r in replies if r.aparte]
    liste = next(r for r in replies if not r.aparte)
    blocs.append(_entete(catalogue.SLACK_ACCUEIL_TITRE))
    blocs.extend(blockkit.blocks(liste.message, "mes-"))
    if suivi:
        etat = await service.handle(
            CommandEvent(origin=origine, name="statut", request_id=f"{requete}-statut"[:200])
        )
        blocs.append({"type": "divider"})
        blocs.append(_entete(catalogue.SLACK_SUIVI))
        avis += [r for r in etat if r.aparte]
        blocs.extend(blockkit.blocks(next(r for r in etat if not r.aparte).message, "suivi-"))
    return {"type": "home", "blocks": blocs[:MAX_BLOCS]}, avis
