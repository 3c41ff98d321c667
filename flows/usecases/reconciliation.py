"""Reconciliation, once both grids are in: the gaps, a proposal and its justification, the
other's acceptance, the consolidated proposal and the visas (``flows.rapprochement`` is pure).

A proposal is made in two messages: the button, then the justification typed
next; meanwhile it waits in the conversation (``Conversation.justification``),
for ``justification_delay`` at most, or until the person clicks elsewhere.
"""

from __future__ import annotations

from flows import catalogue as txt
from flows import rapprochement, saisie, visas
from flows.autorisation import Action, autorise
from flows.comparaison import comparer
from flows.conversation import Conversation, Justification
from flows.evaluation import Dossier
from flows.messages import (
    Button,
    ChoiceEvent,
    Event,
    FormEvent,
    Reply,
    TextEvent,
    say,
)
from flows.payloads import (
    Payload,
)
from flows.usecases import Context, Refused, record, said
from referentiel import Bloc, CodeValeur


async def _reconcilable(ctx: Context, evaluation_id: str, utilisateur: str) -> tuple[Dossier, Bloc]:
    """The evaluation, if ``utilisateur`` may reconcile it now; else Refused says why not."""
    dossier = await ctx.store.dossier(evaluation_id)
    if dossier is None or not autorise(dossier.evaluation, utilisateur, Action.RAPPROCHER):
        raise Refused(said(txt.RAP_INTERDIT))
    if not dossier.soumise_par_les_deux:
        raise Refused(said(txt.RAP_PAS_ENCORE))  # the blind rule: nothing of the other grid
    bloc = ctx.referentiel.bloc(dossier.evaluation.bloc)
    assert bloc is not None
    return dossier, bloc


async def on_choice(
    ctx: Context, evenement: ChoiceEvent, charge: Payload, conversation: Conversation
) -> tuple[Reply, ...]:
    """The gaps' list, a proposal, an acceptance, the consolidated proposal, a visa."""
    assert isinstance(charge, rapprochement.Rapprocher | rapprochement.Consolider)
    async with ctx.evaluations.hold(charge.evaluation):
        utilisateur = evenement.origin.user
        try:
            dossier, bloc = await _reconcilable(ctx, charge.evaluation, utilisateur)
        except Refused as refus:
            return refus.replies
        maintenant = ctx.clock()
        if isinstance(charge, rapprochement.Consolider):
            if charge.action == "voir":
                return (visas.proposition_consolidee(dossier, bloc, utilisateur),)
            resultat = visas.viser(dossier, bloc, utilisateur, maintenant)
        elif dossier.visee_par_les_deux:
            return said(txt.RAP_VISE)  # final until a coordinateur re-opens it
        elif charge.action == "liste":
            return (rapprochement.liste(dossier, bloc, utilisateur),)
        elif charge.action == "proposer":
            ouvertes = {
                ligne.critere
                for ligne in rapprochement.a_rapprocher(comparer(dossier, bloc), dossier)
            }
            if (
                charge.critere not in ouvertes
                or not rapprochement.permis(dossier, charge.critere, "proposer")
                or charge.valeur not in CodeValeur.__members__
            ):
                return (
                    *said(txt.RAP_PROPOSITION_PERIMEE),
                    rapprochement.liste(dossier, bloc, utilisateur),
                )
            conversation.justification = Justification(
                evaluation=charge.evaluation, critere=charge.critere, valeur=charge.valeur,
                depuis=maintenant,
            )  # fmt: skip
            valeur = CodeValeur(charge.valeur)
            return (rapprochement.demander_justification(charge.critere, valeur, ctx.minutes),)
        else:
            resultat = rapprochement.accepter(
                dossier, bloc, utilisateur, charge.critere, charge.valeur, maintenant
            )
        await record(
            ctx, charge.evaluation, resultat.enregistrements, utilisateur, evenement.request_id
        )
        return resultat.replies


async def justify(ctx: Context, texte: TextEvent, conversation: Conversation) -> tuple[Reply, ...]:
    """The justification typed for the proposal waiting (or « annuler »)."""
    attente = conversation.justification
    assert attente is not None
    quoi = {"valeur": attente.valeur, "critere": attente.critere}
    if saisie.est_annulation(texte.text):
        conversation.justification = None
        return said(txt.SRV_JUSTIFICATION_ANNULEE.format(**quoi))
    async with ctx.evaluations.hold(attente.evaluation):
        utilisateur = texte.origin.user
        try:
            dossier, _ = await _reconcilable(ctx, attente.evaluation, utilisateur)
        except Refused as refus:
            conversation.justification = None
            return refus.replies
        if dossier.visee_par_les_deux or not rapprochement.permis(
            dossier, attente.critere, "proposer"
        ):
            conversation.justification = None
            return said(txt.RAP_PROPOSITION_PERIMEE)
        resultat = rapprochement.proposer(
            dossier, utilisateur, attente.critere, CodeValeur(attente.valeur),
            texte.text.strip(), ctx.clock(),
        )  # fmt: skip
        if resultat.enregistrements:
            await record(
                ctx, attente.evaluation, resultat.enregistrements, utilisateur, texte.request_id
            )
            conversation.justification = None
        return resultat.replies


def drop_stale(
    ctx: Context, evenement: Event, conversation: Conversation, ailleurs: bool = False
) -> tuple[Reply, ...]:
    """A justification waiting past its delay, or left — for a click elsewhere, or a command on
    another evaluation (``ailleurs``): dropped, and said."""
    attente = conversation.justification
    if attente is None:
        return ()
    expiree = attente.depuis is None or ctx.clock() - attente.depuis > ctx.justification_delay
    if not expiree and not ailleurs and not isinstance(evenement, ChoiceEvent | FormEvent):
        return ()
    conversation.justification = None
    quoi = {"valeur": attente.valeur, "critere": attente.critere}
    if not expiree:
        return (say(txt.SRV_JUSTIFICATION_ABANDONNEE.format(**quoi), aparte=True),)
    ecarts = Button(
        label=txt.RAP_BOUTON_LISTE,
        payload=rapprochement.Rapprocher(evaluation=attente.evaluation, action="liste").pack(),
    )
    texte = txt.SRV_JUSTIFICATION_EXPIREE.format(**quoi, minutes=ctx.minutes)
    return (say(texte, buttons=(ecarts,), aparte=True),)


def reminder(conversation: Conversation) -> tuple[Reply, ...]:
    """The justification still awaited, after a command typed meanwhile; nothing if none."""
    attente = conversation.justification
    if attente is None:
        return ()
    texte = txt.SRV_RAPPEL_JUSTIFICATION.format(valeur=attente.valeur, critere=attente.critere)
    return (say(texte, aparte=True),)
