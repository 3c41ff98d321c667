"""The scoring's cursor: moving to a critère, past it, to the next one, and the compétence's
card that follows the évaluateur (updated in place within a compétence, its recap after)."""

from __future__ import annotations

from dataclasses import replace

from flows.evaluation import Element
from flows.messages import Destination, Reply
from flows.notation.etat import Attente, Ctx, Pas
from flows.notation.revue import revue
from flows.notation.vues import demande_precisions, question, recapitulatif


def vers(ctx: Ctx, position: int, *avant: Reply, enregistrements: tuple[Element, ...] = ()) -> Pas:
    """Show the critère at ``position``, or the review past the last one."""
    if position >= len(ctx.bloc.criteres):
        etat = ctx.etat.model_copy(
            update={"attente": Attente.REVUE, "competence": None, "revue_apres": False}
        )
        return Pas(etat, (*avant, revue(replace(ctx, etat=etat))), enregistrements)
    etat = ctx.etat.model_copy(
        update={"position": max(0, position), "attente": Attente.VALEUR, "competence": None}
    )
    return Pas(etat, (*avant, question(replace(ctx, etat=etat))), enregistrements)


def apres(ctx: Ctx, *avant: Reply, enregistrements: tuple[Element, ...] = ()) -> Pas:
    """After the current critère: its compétence's précisions if it was the last, else the next."""
    competence = ctx.competence_de(ctx.critere.id)
    if ctx.critere.id == competence.criteres[-1].id and not ctx.grille.precisions.get(
        competence.id
    ):
        etat = ctx.etat.model_copy(
            update={"attente": Attente.PRECISIONS, "competence": competence.id}
        )
        return Pas(etat, (*avant, demande_precisions(ctx, competence)), enregistrements)
    return suivant(ctx, *avant, enregistrements=enregistrements)


def suivant(ctx: Ctx, *avant: Reply, enregistrements: tuple[Element, ...] = ()) -> Pas:
    """On to the next critère — or back to the review, when the review opened this one."""
    position = len(ctx.bloc.criteres) if ctx.etat.revue_apres else ctx.etat.position + 1
    return vers(ctx, position, *avant, enregistrements=enregistrements)


def en_place(reply: Reply) -> Reply:
    """The reply as an update of the message clicked on, where the channel can."""
    return reply.model_copy(update={"to": Destination(replace=True)})


def sur_la_carte(clique: Ctx, pas: Pas, recapituler: bool = True) -> Pas:
    """The compétence's card the person clicked on follows them: one message per compétence.

    Moving to another critère of the same compétence, the card is updated in place to ask it.
    Leaving the compétence, the card is updated to its recap (``recapituler``; else it stays
    as it is) and what comes next is posted below it — précisions, the next compétence's card,
    the review. A critère opened from the review keeps its card, its value marked.
    """
    competence = clique.competence_de(clique.critere.id)
    ids = {c.id for c in competence.criteres}
    if (
        len(pas.replies) == 1
        and pas.etat.attente is Attente.VALEUR
        and clique.bloc.criteres[pas.etat.position].id in ids
        and not clique.etat.revue_apres
    ):
        return replace(pas, replies=(en_place(pas.replies[0]),))
    if not recapituler:
        return pas
    marque = question(clique) if clique.etat.revue_apres else recapitulatif(clique, competence)
    return replace(pas, replies=(en_place(marque), *pas.replies))
