"""Following evaluations up: ``statut``, ``relancer``, and ``rouvrir`` with a reason."""

from __future__ import annotations

from flows import catalogue as txt
from flows import suivi
from flows.autorisation import Action, autorise
from flows.conversation import Conversation
from flows.evaluation import MAX_RAISON, Dossier, Reouverture
from flows.messages import CommandEvent, Destination, Message, Paragraph, Reply
from flows.usecases import Context, designate, record, said


async def statut(ctx: Context, commande: CommandEvent, _: Conversation) -> tuple[Reply, ...]:
    """Where an evaluation stands; alone, where the evaluations one follows stand."""
    if not commande.args.strip():
        utilisateur = commande.origin.user
        suivies = sorted(
            (
                ev for ev in await ctx.store.evaluations()
                if autorise(ev, utilisateur, Action.SUIVRE, ctx.admins)
            ),
            key=lambda ev: ev.horodatage, reverse=True,
        )  # fmt: skip
        # Only the most recent are read (an admin follows every evaluation stored).
        dossiers = [
            d
            for ev in suivies[: suivi.MAX_MES_EVALUATIONS]
            if (d := await ctx.store.dossier(ev.id)) is not None
        ]
        if dossiers:
            return (suivi.suivi(dossiers, len(suivies), ctx.referentiel, utilisateur),)
    dossier = await designate(ctx, commande, Action.SUIVRE, txt.CMD_STATUT_INTERDIT)
    if not isinstance(dossier, Dossier):
        return dossier
    return (suivi.statut(dossier, ctx.referentiel),)


async def relancer(ctx: Context, commande: CommandEvent, _: Conversation) -> tuple[Reply, ...]:
    """The reminders a coordinateur sends to the évaluateurs who are late."""
    dossier = await designate(ctx, commande, Action.SUIVRE, txt.CMD_RELANCER_INTERDIT)
    if not isinstance(dossier, Dossier):
        return dossier
    return suivi.relances(dossier, ctx.referentiel)


async def rouvrir(ctx: Context, commande: CommandEvent, _: Conversation) -> tuple[Reply, ...]:
    """A coordinateur re-opens an evaluation, with a reason; the évaluateurs are told why."""
    nom, _espace, raison = commande.args.strip().partition(" ")
    utilisateur = commande.origin.user
    dossier = await designate(
        ctx, commande, Action.ROUVRIR, txt.ROUV_INTERDIT, texte=nom, usage=txt.ROUV_USAGE
    )
    if not isinstance(dossier, Dossier):
        return dossier
    evaluation_id = dossier.evaluation.id
    if not raison.strip():
        return said(txt.ROUV_RAISON.format(evaluation=evaluation_id))
    if len(raison.strip()) > MAX_RAISON:
        return said(txt.ROUV_RAISON_TROP_LONGUE.format(n=len(raison.strip()), max=MAX_RAISON))
    reouverture = Reouverture(par=utilisateur, raison=raison.strip(), horodatage=ctx.clock())
    async with ctx.evaluations.hold(evaluation_id):
        await record(ctx, evaluation_id, (reouverture,), utilisateur, commande.request_id)
    info = txt.ROUV_INFO.format(
        evaluation=evaluation_id, reference=dossier.evaluation.candidat.reference,
        par=utilisateur, raison=reouverture.raison,
    )[:3000]  # fmt: skip
    return (
        *said(txt.ROUV_FAITE.format(evaluation=evaluation_id, raison=reouverture.raison)),
        *(
            Reply(
                message=Message(summary=info, blocks=(Paragraph(text=info),)),
                to=Destination(kind="user", user=e.utilisateur),
            )
            for e in dossier.evaluation.evaluateurs
        ),
    )
