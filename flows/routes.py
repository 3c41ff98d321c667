"""The routing table: which use case answers an event, by its kind and what it carries.

=================  ============================================  ==============================
event              what it carries                               use case
=================  ============================================  ==============================
``FormEvent``      the text of a prompt (``texte/<évaluation>``)  ``scoring.typed_in_form``
``FormEvent``      an entretien's form                            ``evidence.step``
``FormEvent``      the creation form                              ``creation.step``
``ChoiceEvent``    its payload's type, in ``CHOIX``               (see the table)
``TextEvent``      the text a flow awaits                         ``reconciliation.justify`` or
                                                                 ``scoring.typed``
``TextEvent``      a value typed for the critère shown            ``scoring.typed``
``TextEvent``      else a command, typed (``/cqp`` or not)         ``COMMANDES[name]``
``CommandEvent``   its name, in ``COMMANDES``                     (see the table)
=================  ============================================  ==============================

After a command, what a flow still waits for is recalled. :func:`named` says what an event
acts on, so that the service knows when the person moved to another evaluation.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from flows import catalogue as txt
from flows import commandes, designation, lot, preuves, rapprochement, saisie
from flows.conversation import Conversation
from flows.messages import (
    MAX_ARGS,
    ChoiceEvent,
    CommandEvent,
    Event,
    FormEvent,
    Reply,
    TextEvent,
)
from flows.notation import FORMULAIRE_TEXTE, Aller, Noter
from flows.payloads import (
    Envoyer,
    InvalidPayload,
    Payload,
    Preuve,
    unpack_any,
)
from flows.usecases import (
    Context,
    UseCase,
    administration,
    bulk_creation,
    candidates,
    creation,
    dashboard,
    evidence,
    lookup,
    reconciliation,
    results,
    said,
    scoring,
)

ChoiceUseCase = Callable[
    [Context, ChoiceEvent, Payload, Conversation], Awaitable[tuple[Reply, ...]]
]


async def _evidence_or_creation(
    ctx: Context, evenement: Event, conversation: Conversation
) -> tuple[Reply, ...]:
    """A button or form of the evidence's when it names an evaluation, else the creation's."""
    if preuves.evaluation_visee(evenement) is not None:
        return await evidence.step(ctx, evenement, conversation)
    return await creation.step(ctx, evenement, conversation)


async def _envoyer(
    ctx: Context, evenement: ChoiceEvent, charge: Payload, conversation: Conversation
) -> tuple[Reply, ...]:
    """« Envoyer » clicked: a prompt's (its input opens elsewhere), or a form's."""
    assert isinstance(charge, Envoyer)
    if charge.formulaire.startswith(FORMULAIRE_TEXTE):
        return await scoring.prompt_again(ctx, evenement, charge, conversation)
    if charge.formulaire == lot.FORMULAIRE:
        return await bulk_creation.ouvrir(ctx, evenement, conversation)
    return await _evidence_or_creation(ctx, evenement, conversation)


async def _preuve(
    ctx: Context, evenement: ChoiceEvent, _: Payload, conversation: Conversation
) -> tuple[Reply, ...]:
    return await _evidence_or_creation(ctx, evenement, conversation)


async def _chosen_command(
    ctx: Context, evenement: ChoiceEvent, charge: Payload, conversation: Conversation
) -> tuple[Reply, ...]:
    """One evaluation chosen from a list a command gave: that command, for it."""
    assert isinstance(charge, designation.Commande)
    commande = CommandEvent(
        origin=evenement.origin, request_id=evenement.request_id,
        name=charge.nom, args=charge.evaluation,
    )  # fmt: skip
    return await _command(ctx, commande, conversation)


CHOIX: Mapping[type[Payload], ChoiceUseCase] = {
    Noter: scoring.on_choice,
    Aller: scoring.on_choice,
    Envoyer: _envoyer,
    Preuve: _preuve,
    rapprochement.Rapprocher: reconciliation.on_choice,
    rapprochement.Consolider: reconciliation.on_choice,
    designation.Commande: _chosen_command,
}
"""The buttons: a payload's type → its use case."""

COMMANDES: Mapping[str, UseCase[CommandEvent]] = {
    "accord": results.accord,
    "aide": lookup.aide,
    "creer-evaluations": bulk_creation.ouvrir,
    "critere": lookup.critere,
    "bloc": lookup.bloc,
    "candidat": candidates.candidat,
    "entretien": evidence.entretien,
    "export": results.export,
    "mes-evaluations": scoring.mes_evaluations,
    "nouvelle": creation.step,
    "relancer": administration.relancer,
    "resultat": results.resultat,
    "rouvrir": administration.rouvrir,
    "statut": administration.statut,
    "tableau": dashboard.tableau_de_bord,
}
"""The commands, same words on every channel (docs/flows.md lists them; a test checks)."""


async def _command(
    ctx: Context, commande: CommandEvent, conversation: Conversation
) -> tuple[Reply, ...]:
    """A command of COMMANDES; an unknown one gets the help and a suggestion."""
    action = COMMANDES.get(commande.name)
    if action is None:
        return (commandes.aide(inconnue=commande.name),)
    return await action(ctx, commande, conversation)


async def _reminder(ctx: Context, conversation: Conversation) -> tuple[Reply, ...]:
    """What a flow still waits for, after a command typed meanwhile: the justification first."""
    if conversation.justification is not None:
        return reconciliation.reminder(conversation)
    return await scoring.reminder(ctx, conversation)


DESIGNANTES = frozenset({"entretien", "export", "relancer", "resultat", "rouvrir", "statut"})
"""The commands whose argument names an evaluation (its id, or its candidate's reference)."""


def named(evenement: Event) -> str | None:
    """What an event acts on: an evaluation's id (or a command's word for it), ``""`` for a
    new one (the creation), None if it names none (a typed line, a lookup, a list)."""
    if (
        isinstance(evenement, TextEvent)
        and not evenement.discussion
        and command_typed(evenement.text)
    ):
        commande = CommandEvent.parse(evenement.origin, evenement.request_id, evenement.text)
        evenement = commande or evenement
    if isinstance(evenement, CommandEvent):
        if evenement.name == "nouvelle":
            return ""
        mots = evenement.args.split()
        return mots[0] if evenement.name in DESIGNANTES and mots else None
    if isinstance(evenement, FormEvent):
        if evenement.form.startswith(FORMULAIRE_TEXTE):
            return evenement.form.removeprefix(FORMULAIRE_TEXTE)
        return preuves.evaluation_visee(evenement) or ""
    if isinstance(evenement, ChoiceEvent):
        try:
            charge = unpack_any(evenement.payload, tuple(CHOIX))
        except InvalidPayload:
            return None
        if isinstance(charge, Envoyer) and charge.formulaire.startswith(FORMULAIRE_TEXTE):
            return charge.formulaire.removeprefix(FORMULAIRE_TEXTE)
        if isinstance(charge, Envoyer | Preuve):
            return preuves.evaluation_visee(evenement) or ""
        return str(getattr(charge, "evaluation", "")) or None
    return None


def command_typed(texte: str) -> bool:
    """Whether a typed line is a command even while a flow waits for text (flows.saisie)."""
    return texte.lstrip().startswith("/") or saisie.est_commande(texte)


def _out_of_context(texte: str) -> tuple[Reply, ...]:
    """A typed line that is no command: too long for the command it names, or not awaited."""
    morceaux = CommandEvent.split(texte)
    if morceaux is not None and morceaux[0] in COMMANDES and len(morceaux[1]) > MAX_ARGS:
        return said(
            txt.CMD_TROP_LONGUE.format(commande=morceaux[0], n=len(morceaux[1]), max=MAX_ARGS)
        )
    return said(txt.CMD_TEXTE_HORS_CONTEXTE)


async def route(ctx: Context, evenement: Event, conversation: Conversation) -> tuple[Reply, ...]:
    """The event's use case, as the table above says."""
    if isinstance(evenement, TextEvent) and evenement.trop_long:
        return said(txt.MESSAGE_TROP_LONG.format(n=evenement.trop_long))
    if isinstance(evenement, FormEvent):
        if evenement.form.startswith(FORMULAIRE_TEXTE):
            return await scoring.typed_in_form(ctx, evenement, conversation)
        if evenement.form == lot.FORMULAIRE:
            return await bulk_creation.envoyer(ctx, evenement, conversation)
        return await _evidence_or_creation(ctx, evenement, conversation)
    if isinstance(evenement, ChoiceEvent):
        try:
            charge = unpack_any(evenement.payload, tuple(CHOIX))
        except InvalidPayload:
            return said(txt.NOTE_CHOIX_INVALIDE)
        return await CHOIX[type(charge)](ctx, evenement, charge, conversation)
    if isinstance(evenement, TextEvent) and evenement.text.lstrip().startswith("/"):
        commande = CommandEvent.parse(evenement.origin, evenement.request_id, evenement.text)
        if commande is None:
            return _out_of_context(evenement.text)
        evenement = commande
    if isinstance(evenement, CommandEvent) and saisie.est_annulation(
        f"{evenement.name} {evenement.args}"
    ):  # « /cqp annuler » is « annuler »
        evenement = TextEvent(
            origin=evenement.origin, request_id=evenement.request_id, text=saisie.ANNULER
        )
    if isinstance(evenement, TextEvent) and evenement.discussion:
        if conversation.justification is None:
            return ()  # people talking among themselves: nothing of it is for the bot
        return await reconciliation.justify(ctx, evenement, conversation)
    if isinstance(evenement, TextEvent):
        texte = evenement.text
        attendu = conversation.texte_attendu()
        if attendu and not command_typed(texte):
            if conversation.justification is not None:  # the newest thing awaited
                return await reconciliation.justify(ctx, evenement, conversation)
            return await scoring.typed(ctx, evenement, conversation)
        if not attendu and saisie.est_valeur(texte) and conversation.valeur_attendue():
            return await scoring.typed(ctx, evenement, conversation)
        if not attendu and saisie.est_annulation(texte):
            return said(txt.SRV_RIEN_A_ANNULER)
        if not command_typed(texte) and (
            en_suspens := await scoring.left_waiting(ctx, conversation)
        ):
            return en_suspens
        commande = CommandEvent.parse(evenement.origin, evenement.request_id, texte)
        if commande is None:
            return _out_of_context(texte)
        evenement = commande
    if isinstance(evenement, CommandEvent):
        # A command while a flow waits for text: answered, and the flow keeps waiting.
        return (*await _command(ctx, evenement, conversation), *await _reminder(ctx, conversation))
    return (commandes.aide(),)
