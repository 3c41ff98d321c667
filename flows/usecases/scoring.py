"""Scoring a grid, critère by critère (``flows.notation`` is the pure flow), and the comparison
sent to both évaluateurs when the second grid is submitted."""

from __future__ import annotations

from flows import catalogue as txt
from flows import suivi
from flows.autorisation import Action, autorise
from flows.conversation import Conversation
from flows.evaluation import Soumission
from flows.messages import (
    Button,
    ChoiceEvent,
    CommandEvent,
    Event,
    FormEvent,
    Reply,
    TextEvent,
    say,
)
from flows.notation import (
    ATTENTES_DE_TEXTE,
    CHAMP_TEXTE,
    FORMULAIRE_TEXTE,
    Aller,
    Attente,
    Grille,
    Noter,
    Pas,
    commencer,
    etape,
)
from flows.payloads import (
    Envoyer,
    Payload,
)
from flows.usecases import Context, record, said


async def on_choice(
    ctx: Context, evenement: ChoiceEvent, charge: Payload, conversation: Conversation
) -> tuple[Reply, ...]:
    """A value, or a move in the grid (back, skip, review, pause, submit, resume)."""
    assert isinstance(charge, Noter | Aller)
    return await score(ctx, evenement, charge.evaluation, conversation)


async def typed(ctx: Context, texte: TextEvent, conversation: Conversation) -> tuple[Reply, ...]:
    """A line typed for the grid being scored: a value, a comment, précisions, « annuler »."""
    assert conversation.actif is not None
    return await score(ctx, texte, conversation.actif, conversation)


async def typed_in_form(
    ctx: Context, formulaire: FormEvent, conversation: Conversation
) -> tuple[Reply, ...]:
    """The awaited text sent from a form (a Slack modal): taken as typed, never as a command;
    if nothing waits for it any more, the scoring says what it expects."""
    texte = TextEvent(
        origin=formulaire.origin, request_id=formulaire.request_id,
        text=formulaire.values.get(CHAMP_TEXTE, ""),
    )  # fmt: skip
    return await score(ctx, texte, formulaire.form.removeprefix(FORMULAIRE_TEXTE), conversation)


async def prompt_again(
    ctx: Context, evenement: ChoiceEvent, charge: Envoyer, conversation: Conversation
) -> tuple[Reply, ...]:
    """« Envoyer » of a prompt, from a channel that opens its input elsewhere (a modal)."""
    evaluation_id = charge.formulaire.removeprefix(FORMULAIRE_TEXTE)
    reprendre = Aller(evaluation=evaluation_id, action="reprendre").pack()
    return await score(ctx, evenement.model_copy(update={"payload": reprendre}), evaluation_id,
                       conversation)  # fmt: skip


async def score(
    ctx: Context, evenement: Event, evaluation_id: str, conversation: Conversation
) -> tuple[Reply, ...]:
    """One step of the scoring of ``evaluation_id``, for the évaluateur who sent it."""
    async with ctx.evaluations.hold(evaluation_id):
        utilisateur = evenement.origin.user
        dossier = await ctx.store.dossier(evaluation_id)
        if dossier is None or not autorise(dossier.evaluation, utilisateur, Action.NOTER):
            return said(txt.CMD_INTERDIT_NOTER)
        bloc = ctx.referentiel.bloc(dossier.evaluation.bloc)
        assert bloc is not None
        grille = Grille.de_dossier(dossier, utilisateur)
        maintenant = ctx.clock()
        etat = conversation.notation.get(evaluation_id)
        if etat is None:
            pas: Pas = commencer(evaluation_id, utilisateur, grille, bloc, maintenant)
            if not (
                isinstance(evenement, ChoiceEvent) and evenement.payload.startswith(Aller.PREFIX)
            ):
                pas = etape(pas.etat, evenement, grille, bloc, maintenant)
        else:
            pas = etape(etat, evenement, grille, bloc, maintenant)
        await record(ctx, evaluation_id, pas.enregistrements, utilisateur, evenement.request_id)
        conversation.notation[evaluation_id] = pas.etat
        conversation.actif, conversation.ouvert = evaluation_id, True
        if any(isinstance(e, Soumission) for e in pas.enregistrements):
            return pas.replies + await _when_both_submitted(ctx, evaluation_id)
        return pas.replies


async def _when_both_submitted(ctx: Context, evaluation_id: str) -> tuple[Reply, ...]:
    """When the second grid is submitted: the comparison and the agenda, to both évaluateurs."""
    dossier = await ctx.store.dossier(evaluation_id)
    assert dossier is not None
    if not dossier.soumise_par_les_deux:
        return ()
    evaluateurs = [e.utilisateur for e in dossier.evaluation.evaluateurs]
    bloc = ctx.referentiel.bloc(dossier.evaluation.bloc)
    assert bloc is not None
    return tuple(suivi.comparaison(dossier, bloc, u) for u in evaluateurs)


async def reminder(ctx: Context, conversation: Conversation) -> tuple[Reply, ...]:
    """The comment or précisions still awaited, after a command typed meanwhile; or nothing."""
    grille = conversation.grille if conversation.ouvert else None
    if grille is None or grille.attente not in ATTENTES_DE_TEXTE:
        return ()
    if grille.attente is Attente.PRECISIONS:
        return (say(txt.SRV_RAPPEL_PRECISIONS.format(competence=grille.competence), aparte=True),)
    dossier = await ctx.store.dossier(grille.evaluation)
    bloc = ctx.referentiel.bloc(dossier.evaluation.bloc) if dossier is not None else None
    if bloc is None or not 0 <= grille.position < len(bloc.criteres):
        return ()
    texte = txt.SRV_RAPPEL_COMMENTAIRE.format(critere=bloc.criteres[grille.position].id)
    return (say(texte, aparte=True),)


async def left_waiting(ctx: Context, conversation: Conversation) -> tuple[Reply, ...]:
    """A line typed after moving to another evaluation, while this grid's comment or
    précisions wait: stored nowhere, and the way back to them (never taken as them)."""
    grille = conversation.texte_en_suspens()
    if grille is None:
        return ()
    dossier = await ctx.store.dossier(grille.evaluation)
    bloc = ctx.referentiel.bloc(dossier.evaluation.bloc) if dossier is not None else None
    if dossier is None or bloc is None:
        return ()
    reference = dossier.evaluation.candidat.reference
    if grille.attente is Attente.PRECISIONS:
        texte = txt.SRV_TEXTE_NON_RATTACHE_PRECISIONS.format(
            competence=grille.competence, reference=reference
        )
    elif 0 <= grille.position < len(bloc.criteres):
        critere = bloc.criteres[grille.position].id
        texte = txt.SRV_TEXTE_NON_RATTACHE_COMMENTAIRE.format(critere=critere, reference=reference)
    else:
        return ()
    reprendre = Button(
        label=txt.NOTE_BOUTON_REPRENDRE,
        payload=Aller(evaluation=grille.evaluation, action="reprendre").pack(),
    )
    return (say(texte, buttons=(reprendre,)),)


async def mes_evaluations(
    ctx: Context, commande: CommandEvent, _: Conversation
) -> tuple[Reply, ...]:
    """``mes-evaluations``: the grids this person scores, to resume one."""
    utilisateur = commande.origin.user
    dossiers = []
    for ev in await ctx.store.evaluations():
        if autorise(ev, utilisateur, Action.NOTER):
            dossier = await ctx.store.dossier(ev.id)
            if dossier is not None:
                dossiers.append(dossier)
    return (suivi.mes_evaluations(utilisateur, dossiers, ctx.referentiel),)
