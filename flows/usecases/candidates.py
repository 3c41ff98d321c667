"""A candidate across the 4 blocs: ``candidat <référence ou nom>``, for the people who follow
or score one of their evaluations, and the coordinateurs of the session they are enrolled in —
nobody else learns that the candidate exists."""

from __future__ import annotations

from flows import candidats
from flows import catalogue as txt
from flows.conversation import Conversation
from flows.evaluation import Candidat
from flows.messages import CommandEvent, Reply, shorten
from flows.usecases import Context, said


async def candidat(ctx: Context, commande: CommandEvent, _: Conversation) -> tuple[Reply, ...]:
    """The candidate ``commande`` names, among those of the evaluations the reader may see."""
    texte, lecteur = commande.args.strip(), commande.origin.user
    if not texte:
        return said(txt.CAND_USAGE)
    evaluations = await ctx.store.evaluations()
    fiches = {f.reference: f for f in await ctx.store.fiches()}
    # A reference typed exactly (they are ASCII): only its evaluations are looked at; a name
    # is looked for among every candidate the reader may see.
    cible = texte.casefold()
    exactes = [ev for ev in evaluations if ev.candidat.reference.casefold() == cible]
    if exactes or any(r.casefold() == cible for r in fiches):
        evaluations = exactes
    portee = candidats.portee(fiches, await ctx.store.sessions(), lecteur, ctx.admins)
    inscrits = portee.inscrits
    visibles = sorted((ev for ev in evaluations if portee.voit(ev)), key=lambda ev: ev.horodatage)
    connus = {ev.candidat.reference: ev.candidat for ev in visibles}  # the latest name kept
    for reference in {*connus, *inscrits}:
        if (fiche := fiches.get(reference)) is not None:  # the record names them best
            connus[reference] = Candidat(nom=fiche.nom_complet, reference=reference)
    trouves = candidats.trouver(texte, list(connus.values()))
    if not trouves:
        return said(txt.CAND_AUCUN.format(texte=shorten(texte, 80)))
    if len(trouves) > 1:
        return (candidats.plusieurs(texte, trouves),)
    [trouve] = trouves
    vues: dict[str, candidats.Vue] = {}
    resumes = await ctx.store.resumes()
    for ev in visibles:  # oldest first: a bloc's latest evaluation is the one shown
        if ev.candidat.reference == trouve.reference and (resume := resumes.get(ev.id)):
            vues[ev.bloc] = candidats.Vue(ev, resume, portee.suit(ev))
    coordinateur = any(v.suit for v in vues.values()) or trouve.reference in inscrits
    fiche = fiches.get(trouve.reference)
    return (candidats.vue_candidat(trouve, vues, lecteur, ctx.referentiel, coordinateur, fiche),)
