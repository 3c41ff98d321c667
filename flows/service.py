"""The application service: ``handle(event) -> replies``, the one place with effects.

For each event: the person's conversation is loaded; a retry of one of their
recent requests (same request id) gets the replies already given, and nothing
is applied again; otherwise the event is routed to its use case
(``flows.usecases``), which stores its records — each durable before anything
is answered — then the conversation is saved and the replies returned for the
channel to send. The routing is a table:

=================  ==========================================  ==============================
event              what it carries                             use case
=================  ==========================================  ==============================
``FormEvent``      the text of a prompt (``texte:<évaluation>``)  ``scoring.typed_in_form``
``FormEvent``      an entretien's form                          ``evidence.step``
``FormEvent``      the creation form                            ``creation.step``
``ChoiceEvent``    its payload's type, in ``CHOIX``             (see the table)
``TextEvent``      the text a flow awaits                       ``reconciliation.justify`` or
                                                               ``scoring.typed``
``TextEvent``      a value typed for the critère shown          ``scoring.typed``
``TextEvent``      else a command, typed (``/cqp`` or not)       ``COMMANDES[name]``
``CommandEvent``   its name, in ``COMMANDES``                   (see the table)
=================  ==========================================  ==============================

Before routing, a justification left waiting is dropped if it expired or if
the person clicked elsewhere (``reconciliation.drop_stale``); after a command,
what a flow still waits for is recalled.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Collection, Mapping
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta

from pydantic import ValidationError

from flows import catalogue as txt
from flows import commandes, designation, preuves, rapprochement, retries, saisie
from flows.conversation import Conversation
from flows.evaluation import EtatConversation
from flows.messages import (
    MAX_ARGS,
    ChoiceEvent,
    CommandEvent,
    Envoyer,
    Event,
    FormEvent,
    InvalidPayload,
    Origin,
    Payload,
    Preuve,
    Reply,
    TextEvent,
    say,
    unpack_any,
)
from flows.notation import FORMULAIRE_TEXTE, Aller, Noter
from flows.store import RefusStore, Store
from flows.usecases import (
    Context,
    Locks,
    UseCase,
    administration,
    creation,
    evidence,
    lookup,
    reconciliation,
    results,
    said,
    scoring,
)
from referentiel import Referentiel

FLOW = "cqp"
DELAI_JUSTIFICATION = timedelta(minutes=30)
"""How long a proposal waits for its justification, unless ``Service(delai_justification=…)``."""

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
    "critere": lookup.critere,
    "bloc": lookup.bloc,
    "entretien": evidence.entretien,
    "export": results.export,
    "mes-evaluations": scoring.mes_evaluations,
    "nouvelle": creation.step,
    "relancer": administration.relancer,
    "resultat": results.resultat,
    "rouvrir": administration.rouvrir,
    "statut": administration.statut,
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


def _named(evenement: Event) -> str | None:
    """What an event acts on: an evaluation's id (or a command's word for it), ``""`` for a
    new one (the creation), None if it names none (a typed line, a lookup, a list)."""
    if (
        isinstance(evenement, TextEvent)
        and not evenement.discussion
        and _command_typed(evenement.text)
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


def _command_typed(texte: str) -> bool:
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
    if isinstance(evenement, FormEvent):
        if evenement.form.startswith(FORMULAIRE_TEXTE):
            return await scoring.typed_in_form(ctx, evenement, conversation)
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
        if attendu and not _command_typed(texte):
            if conversation.justification is not None:  # the newest thing awaited
                return await reconciliation.justify(ctx, evenement, conversation)
            return await scoring.typed(ctx, evenement, conversation)
        if not attendu and saisie.est_valeur(texte) and conversation.valeur_attendue():
            return await scoring.typed(ctx, evenement, conversation)
        if not attendu and saisie.est_annulation(texte):
            return said(txt.SRV_RIEN_A_ANNULER)
        if not _command_typed(texte) and (
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


class Service:
    """Handles channel-neutral events for every channel, over the store port.

    Lock order, to rule out deadlocks: the person's conversation, then one
    evaluation (never two at once), or the creation lock.
    """

    def __init__(
        self,
        store: Store,
        referentiel: Referentiel,
        horloge: Callable[[], datetime],
        admins: Collection[str] = (),
        coordinateurs: Collection[str] = (),
        delai_justification: timedelta = DELAI_JUSTIFICATION,
    ) -> None:
        self.context = Context(
            store=store, referentiel=referentiel, clock=horloge, admins=frozenset(admins),
            coordinateurs=frozenset(coordinateurs), justification_delay=delai_justification,
        )  # fmt: skip
        self.conversations = Locks()
        """One lock per person and channel: their conversation read, stepped, saved in turn."""

    @property
    def store(self) -> Store:
        return self.context.store

    @property
    def referentiel(self) -> Referentiel:
        return self.context.referentiel

    @property
    def evaluations(self) -> Locks:
        return self.context.evaluations

    def turn(self, origine: Origin) -> AbstractAsyncContextManager[None]:
        """One person's turn on one channel: their events are handled one at a time, and
        ``bot.delivery`` sends their replies under the same lock, in the same order."""
        return self.conversations.hold(f"{origine.channel}|{origine.user}")

    async def handle(self, evenement: Event) -> tuple[Reply, ...]:
        """The replies to ``evenement``, after its effects are stored."""
        async with self.turn(evenement.origin):
            return await self._handle(evenement)

    async def _handle(self, evenement: Event) -> tuple[Reply, ...]:
        origine, ctx = evenement.origin, self.context
        try:
            etat = await ctx.store.etat(origine.channel, origine.user)
        except RefusStore as exc:  # a damaged file, set aside: this request is not applied
            return _refused(exc)
        conversation = _conversation(etat)
        maintenant = ctx.clock()
        recentes = conversation.recentes_depuis(maintenant - retries.DUREE_MEMOIRE)
        deja = next((r for r in recentes if r.requete == evenement.request_id), None)
        if deja is not None and not deja.rejouer:  # a retry: the same answer, nothing again
            emballees = deja.reponses or await ctx.store.replique(
                origine.channel, origine.user, evenement.request_id
            )  # (kept in the state itself by earlier versions)
            if emballees is not None and (memorisees := retries.unpack(emballees)) is not None:
                return memorisees
        try:
            replies = await self._route(evenement, conversation)
        except RefusStore as exc:
            # Nothing half-applied is acknowledged, and the request id is not recorded:
            # the same request again (a retry, or the person clicking again) tries again.
            return _refused(exc)
        repliques = retries.remember(
            conversation, recentes, evenement.request_id, replies, maintenant
        )
        # The records are stored; if the state cannot be, only the cursor and the memory of
        # replies are lost — the cursor is rebuilt from the records, and the store still knows
        # the request ids it applied — so the replies still go out.
        with contextlib.suppress(RefusStore):
            await ctx.store.sauver_etat(
                EtatConversation(
                    canal=origine.channel, utilisateur=origine.user, flow=FLOW,
                    donnees=conversation.model_dump(mode="json"), horodatage=ctx.clock(),
                ),
                # The records were stored durably above; this state can be rebuilt from
                # them, so it costs no fsync of its own.
                durable=False,
                repliques=repliques,
            )  # fmt: skip
        return replies

    async def _route(self, evenement: Event, conversation: Conversation) -> tuple[Reply, ...]:
        """The event routed. First, what it leaves: a grid whose question waits is no longer
        the one a typed line goes to once the person acts on another evaluation; a
        justification that expired, or was left, is dropped."""
        ailleurs = await self._elsewhere(evenement, conversation)
        if ailleurs:
            conversation.ouvert = False
        ancienne = conversation.justification
        avis = reconciliation.drop_stale(self.context, evenement, conversation, ailleurs)
        if avis and isinstance(evenement, TextEvent) and not _command_typed(evenement.text):
            return avis  # the text was for the proposal dropped: it is not taken as anything else
        replies = await route(self.context, evenement, conversation)
        nouvelle = conversation.justification
        if ancienne is not None and nouvelle is not None and ancienne.meme_proposition(nouvelle):
            avis = ()  # the same proposal clicked again: it simply waits again
        return (*avis, *replies)

    async def _elsewhere(self, evenement: Event, conversation: Conversation) -> bool:
        """Whether the event acts on another evaluation than the one the person was in."""
        nommee = _named(evenement)
        courante = conversation.actif
        if conversation.justification is not None:
            courante = conversation.justification.evaluation
        if nommee is None or courante is None or nommee == courante:
            return False
        dossier = await self.context.store.dossier(courante) if nommee else None
        return dossier is None or nommee != dossier.evaluation.candidat.reference


def _refused(exc: RefusStore) -> tuple[Reply, ...]:
    """The answer when the store refused: « non enregistré », and why."""
    return (say(txt.CMD_NON_ENREGISTRE.format(raison=txt.erreur_stockage(exc)), refused=True),)


def _conversation(etat: EtatConversation | None) -> Conversation:
    """The conversation as stored; one that no longer reads starts afresh (it is rebuilt
    from the records: a grid resumes at its first critère without a value)."""
    if etat is None:
        return Conversation()
    try:
        return Conversation.model_validate(etat.donnees)
    except ValidationError:
        return Conversation()
