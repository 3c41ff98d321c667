"""The entretiens observed (the evidence behind a grid): ``entretien``, its form and buttons."""

from __future__ import annotations

from flows import catalogue as txt
from flows import preuves
from flows.autorisation import Action
from flows.conversation import Conversation
from flows.evaluation import Dossier
from flows.messages import CommandEvent, Event, Reply
from flows.usecases import Context, designate, record


async def entretien(
    ctx: Context, commande: CommandEvent, conversation: Conversation
) -> tuple[Reply, ...]:
    """``entretien <évaluation>``: the form to record an entretien observed."""
    dossier = await designate(ctx, commande, Action.NOTER, txt.CMD_INTERDIT_NOTER)
    if not isinstance(dossier, Dossier):
        return dossier
    return await step(
        ctx, commande.model_copy(update={"args": dossier.evaluation.id}), conversation
    )


async def step(ctx: Context, evenement: Event, conversation: Conversation) -> tuple[Reply, ...]:
    """A step of the evidence (``flows.preuves``); the entretien is stored before the replies."""
    evaluation_id = preuves.evaluation_visee(evenement)
    if evaluation_id is None:
        return await _step(ctx, evenement, None, conversation)
    async with ctx.evaluations.hold(evaluation_id):
        return await _step(ctx, evenement, evaluation_id, conversation)


async def _step(
    ctx: Context, evenement: Event, evaluation_id: str | None, conversation: Conversation
) -> tuple[Reply, ...]:
    utilisateur = evenement.origin.user
    dossier = await ctx.store.dossier(evaluation_id) if evaluation_id else None
    contexte = preuves.Contexte(
        utilisateur=utilisateur,
        dossier=dossier,
        bloc=ctx.referentiel.bloc(dossier.evaluation.bloc) if dossier else None,
        maintenant=ctx.clock(),
    )
    pas = preuves.etape(conversation.preuves, evenement, contexte)
    if pas.entretien is not None and dossier is not None:
        await record(
            ctx, dossier.evaluation.id, (pas.entretien,), utilisateur, evenement.request_id
        )
    conversation.preuves = pas.etat
    return pas.replies
