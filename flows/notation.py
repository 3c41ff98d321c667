"""Scoring: an évaluateur goes through the critères of a bloc, one per message.

The conversation is a *cursor over the bloc's list of critères* (not one
state per question) plus what it is waiting for: a value, an optional
comment (prompted after ECA or NA), the précisions remark after the last
critère of a compétence (mandatory where the bloc's modalités say so), the
review, or nothing (the grid is submitted and locked). « annuler » typed
instead of a comment or précisions goes back to the critère, storing nothing.
A value code typed while a critère is shown (« a », « NA ») is recorded as its
button would be. « Pause » stops waiting for a value or a text (a line typed
later is not taken as it); resuming shows the critère or the prompt again.

:func:`etape` is pure: ``(state, event, the évaluateur's stored grid) ->
(new state, replies, records to store)``. Which handler answers is read in
:data:`TABLE`, by what the flow waits for and what the event is; the
application service does the I/O (loads the grid, stores the records,
sends the replies). docs/flows.md draws the table.

Buttons carry typed payloads (:class:`Noter`, :class:`Aller`) naming the
evaluation and the critère they answer: a click on an older message scores
*that* critère, never the one currently shown.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

from flows import catalogue as txt
from flows.evaluation import Dossier, Element, Precisions, Reponse, Soumission
from flows.messages import (
    MAX_BLOCKS,
    MAX_BUTTON_LABEL,
    MAX_BUTTONS,
    MAX_CONTEXT,
    MAX_HEADING,
    MAX_TYPED,
    Button,
    ChoiceEvent,
    Choices,
    Context,
    Destination,
    Envoyer,
    Event,
    Fields,
    Heading,
    InvalidPayload,
    Message,
    Paragraph,
    Payload,
    Reply,
    TextEvent,
    TextInput,
    paragraphs,
    say,
    shorten,
    unpack_any,
)
from flows.saisie import est_annulation
from referentiel import Bloc, CodeValeur, Competence, Critere


class Attente(StrEnum):
    """What the scoring conversation waits for."""

    VALEUR = "valeur"
    COMMENTAIRE = "commentaire"
    PRECISIONS = "precisions"
    REVUE = "revue"
    SOUMISE = "soumise"
    PAUSE = "pause"
    """Paused: nothing typed is taken as a value, a comment or précisions until resumed."""


ATTENTES_DE_TEXTE = (Attente.COMMENTAIRE, Attente.PRECISIONS)
"""What the scoring waits for as free text: a line typed then goes to it."""


class EtatNotation(BaseModel):
    """Where an évaluateur stands in a grid; stored between messages (resume days later)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    evaluation: str
    evaluateur: str
    position: int = 0
    """Index of the current critère in the bloc's list."""
    attente: Attente = Attente.VALEUR
    competence: str | None = None
    """The compétence whose précisions are awaited (attente PRECISIONS)."""
    revue_apres: bool = False
    """A critère or précisions opened from the review: once answered, back to the review."""
    avant_pause: Attente | None = None
    """What was awaited when the grid was paused (attente PAUSE): awaited again on resume."""


class Noter(Payload):
    """Button « give critère X value V » of evaluation E."""

    PREFIX = "v"
    evaluation: str
    critere: str
    valeur: CodeValeur


class Aller(Payload):
    """Navigation button: back, skip, review, pause, submit, edit a critère, resume.

    From the review: ``competence`` opens a compétence's critères and précisions,
    ``modifier`` a critère, ``precisions`` a compétence's précisions — ``critere``
    then holds the compétence's id.
    """

    PREFIX = "g"
    evaluation: str
    action: Literal[
        "retour", "passer", "revue", "pause", "soumettre", "modifier", "reprendre",
        "competence", "precisions",
    ]  # fmt: skip
    critere: str = "-"


@dataclass(frozen=True)
class Grille:
    """What one évaluateur has stored for an evaluation."""

    reponses: Mapping[str, Reponse] = field(default_factory=dict)
    precisions: Mapping[str, str] = field(default_factory=dict)
    soumise: bool = False
    reference: str = ""
    """The candidate's reference: what a confirmation names, beside the critère."""

    @classmethod
    def de_dossier(cls, dossier: Dossier, evaluateur: str) -> Grille:
        return cls(
            {r.critere: r for r in dossier.reponses if r.evaluateur == evaluateur},
            {p.competence: p.texte for p in dossier.precisions if p.evaluateur == evaluateur},
            any(s.evaluateur == evaluateur for s in dossier.soumissions_actives),
            dossier.evaluation.candidat.reference,
        )

    def avec(self, enregistrement: Element) -> Grille:
        """This grid with one more record (what the store will hold after the step)."""
        if isinstance(enregistrement, Reponse):
            return replace(self, reponses={**self.reponses, enregistrement.critere: enregistrement})
        if isinstance(enregistrement, Precisions):
            return replace(
                self,
                precisions={**self.precisions, enregistrement.competence: enregistrement.texte},
            )
        if isinstance(enregistrement, Soumission):
            return replace(self, soumise=True)
        return self


@dataclass(frozen=True)
class Pas:
    """The outcome of a step: the new state, the replies, the records to store first."""

    etat: EtatNotation
    replies: tuple[Reply, ...]
    enregistrements: tuple[Element, ...] = ()


@dataclass(frozen=True)
class _Ctx:
    etat: EtatNotation
    grille: Grille
    bloc: Bloc
    maintenant: datetime

    @property
    def critere(self) -> Critere:
        return self.bloc.criteres[self.etat.position]

    def competence_de(self, critere_id: str) -> Competence:
        competence = self.bloc.competence_de(critere_id)
        assert competence is not None, critere_id  # always a critère of the bloc here
        return competence

    def competence(self, competence_id: str) -> Competence | None:
        return next((c for c in self.bloc.competences if c.id == competence_id), None)

    @property
    def obligatoires(self) -> bool:
        return self.bloc.modalites.precisions_obligatoires


Handler = Callable[[_Ctx, Event, Payload | None], Pas]


# --- messages ---------------------------------------------------------------------


def question(ctx: _Ctx) -> Reply:
    """The current critère's message: context, text, progress, value and navigation buttons."""
    critere, bloc, ev = ctx.critere, ctx.bloc, ctx.etat.evaluation
    fixe = _partie_fixe(bloc, critere)
    blocs: list[Heading | Paragraph | Context | Choices] = [
        *fixe.tete,
        Context(
            text=txt.NOTE_PROGRESSION.format(
                k=fixe.k, n=fixe.n, m=ctx.etat.position + 1, total=len(bloc.criteres), bloc=bloc.id
            )
        ),
    ]
    actuelle = ctx.grille.reponses.get(critere.id)
    if actuelle is not None:
        blocs.append(Context(text=txt.NOTE_DEJA_REPONDU.format(valeur=actuelle.valeur.value)))
    charges = _charges_des_valeurs(ev, critere.id, fixe.codes)
    blocs.append(
        Choices(
            buttons=tuple(
                Button(
                    label=libelle,
                    payload=charge,
                    selected=actuelle is not None and actuelle.valeur is code,
                )
                for code, libelle, charge in zip(fixe.codes, fixe.libelles, charges, strict=True)
            )
        )
    )
    blocs.append(_navigation(ev, ("retour", "passer", "revue", "pause")))
    return Reply(message=Message(summary=fixe.resume, blocks=tuple(blocs)))


@dataclass(frozen=True)
class _PartieFixe:
    """What a critère's question shows whoever answers it, built once per critère.

    A question is built twice per click (the answered one marked, then the next): its
    heading, text and button labels need not be validated again each time.
    """

    bloc: Bloc
    tete: tuple[Heading | Paragraph | Context, ...]
    k: int
    n: int
    codes: tuple[CodeValeur, ...]
    libelles: tuple[str, ...]
    resume: str


_PARTIES_FIXES: dict[tuple[int, str], _PartieFixe] = {}
MAX_PARTIES_FIXES = 4096


def _partie_fixe(bloc: Bloc, critere: Critere) -> _PartieFixe:
    cle = (id(bloc), critere.id)
    fixe = _PARTIES_FIXES.get(cle)
    if fixe is not None and fixe.bloc is bloc:
        return fixe
    competence = bloc.competence_de(critere.id)
    assert competence is not None, critere.id  # always a critère of the bloc here
    tete: list[Heading | Paragraph | Context] = [
        Heading(
            text=shorten(
                txt.NOTE_TITRE_COMPETENCE.format(id=competence.id, libelle=competence.libelle),
                MAX_HEADING,
            )
        )
    ]
    if critere.rubrique:
        tete.append(Context(text=txt.REF_RUBRIQUE.format(rubrique=critere.rubrique)))
    tete.append(
        Paragraph(
            text=shorten(txt.REF_ELEMENT_LIGNE.format(id=critere.id, libelle=critere.libelle))
        )
    )
    valeurs = bloc.modalites.echelle.valeurs
    fixe = _PartieFixe(
        bloc=bloc,  # kept, so that an id reused by another bloc is not mistaken for it
        tete=tuple(tete),
        k=[c.id for c in competence.criteres].index(critere.id) + 1,
        n=len(competence.criteres),
        codes=tuple(v.code for v in valeurs),
        libelles=tuple(
            shorten(
                txt.NOTE_BOUTON_VALEUR.format(code=v.code.value, libelle=v.libelle),
                MAX_BUTTON_LABEL,
            )
            for v in valeurs
        ),
        resume=shorten(
            txt.NOTE_RESUME_QUESTION.format(critere=critere.id, libelle=critere.libelle), 3000
        ),
    )
    if len(_PARTIES_FIXES) >= MAX_PARTIES_FIXES:  # référentiels loaded again and again (tests)
        _PARTIES_FIXES.clear()
    _PARTIES_FIXES[cle] = fixe
    return fixe


@functools.lru_cache(maxsize=4096)
def _charges_des_valeurs(
    evaluation: str, critere: str, codes: tuple[CodeValeur, ...]
) -> tuple[str, ...]:
    """The value buttons' payloads of one critère of one evaluation."""
    return tuple(Noter(evaluation=evaluation, critere=critere, valeur=c).pack() for c in codes)


_LIBELLES = {
    "retour": txt.NOTE_BOUTON_RETOUR,
    "passer": txt.NOTE_BOUTON_PASSER,
    "revue": txt.NOTE_BOUTON_REVUE,
    "pause": txt.NOTE_BOUTON_PAUSE,
    "soumettre": txt.NOTE_BOUTON_SOUMETTRE,
    "reprendre": txt.NOTE_BOUTON_REPRENDRE,
}


@functools.lru_cache(maxsize=4096)
def _navigation(evaluation: str, actions: tuple[str, ...]) -> Choices:
    """The navigation buttons of an evaluation's messages (frozen, so shared between them)."""
    return Choices(
        buttons=tuple(
            Button(
                label=_LIBELLES[a],
                payload=Aller(evaluation=evaluation, action=a).pack(),
                style="primary" if a == "soumettre" else None,
            )
            for a in actions
        )
    )


FORMULAIRE_TEXTE = "texte/"
"""Prefix of the form that carries an awaited text (``texte/<evaluation>``): a channel that
cannot take typed text where it shows the prompt (a Slack modal) sends it this way."""
CHAMP_TEXTE = "texte"


def formulaire_texte(evaluation: str) -> str:
    return f"{FORMULAIRE_TEXTE}{evaluation}"


def _saisie(evaluation: str, libelle: str, obligatoire: bool) -> tuple[TextInput, Choices]:
    """The input for an awaited text, with its send button; typing it in the chat works too."""
    champ = TextInput(
        name=CHAMP_TEXTE, label=libelle, multiline=True, required=obligatoire, max_length=MAX_TYPED
    )
    envoyer = Button(
        label=txt.NOTE_BOUTON_ENVOYER_TEXTE,
        payload=Envoyer(formulaire=formulaire_texte(evaluation)).pack(),
        style="primary",
    )
    return champ, Choices(buttons=(envoyer,))


def manques(grille: Grille, bloc: Bloc) -> tuple[list[str], list[str]]:
    """Critères without a value, and compétences without the précisions they require."""
    criteres = [c.id for c in bloc.criteres if c.id not in grille.reponses]
    precisions = (
        [c.id for c in bloc.competences if not grille.precisions.get(c.id, "").strip()]
        if bloc.modalites.precisions_obligatoires
        else []
    )
    return criteres, precisions


def revue(ctx: _Ctx) -> Reply:
    """The whole grid at a glance: how far per compétence, what is missing, how to submit."""
    criteres_manquants, precisions_manquantes = manques(ctx.grille, ctx.bloc)
    items = []
    for competence in ctx.bloc.competences:
        faites = sum(c.id in ctx.grille.reponses for c in competence.criteres)
        manque = (
            txt.NOTE_REVUE_PRECISIONS_MANQUANTES if competence.id in precisions_manquantes else ""
        )
        items.append(
            (
                competence.id,
                txt.NOTE_REVUE_LIGNE.format(
                    faites=faites, total=len(competence.criteres), precisions=manque
                ),
            )
        )
    blocs: list[Heading | Fields | Context | Choices] = [
        Heading(text=txt.NOTE_REVUE_TITRE.format(bloc=ctx.bloc.id)),
        *(Fields(items=tuple(items[i : i + 10])) for i in range(0, len(items), 10)),
    ]
    ev = ctx.etat.evaluation
    if criteres_manquants:
        blocs.append(
            Context(
                text=shorten(
                    txt.NOTE_REVUE_MANQUANTS.format(criteres=", ".join(criteres_manquants)), 2000
                )
            )
        )
        blocs.append(
            Choices(
                buttons=tuple(
                    Button(
                        label=txt.NOTE_BOUTON_MODIFIER.format(critere=c),
                        payload=Aller(evaluation=ev, action="modifier", critere=c).pack(),
                    )
                    for c in criteres_manquants[:20]
                )
            )
        )
    if precisions_manquantes:
        blocs.append(
            Choices(
                buttons=tuple(
                    Button(
                        label=txt.NOTE_BOUTON_PRECISIONS.format(competence=c),
                        payload=Aller(evaluation=ev, action="precisions", critere=c).pack(),
                    )
                    for c in precisions_manquantes[:20]
                )
            )
        )
    if not criteres_manquants and not precisions_manquantes:
        blocs.append(Context(text=txt.NOTE_REVUE_COMPLETE))
    # Any critère, any précisions: one button per compétence opens its critères.
    blocs.append(Context(text=txt.NOTE_REVUE_CHANGER))
    competences = [
        Button(
            label=shorten(
                txt.NOTE_BOUTON_COMPETENCE.format(
                    competence=c.id,
                    faites=sum(cr.id in ctx.grille.reponses for cr in c.criteres),
                    total=len(c.criteres),
                ),
                MAX_BUTTON_LABEL,
            ),
            payload=Aller(evaluation=ev, action="competence", critere=c.id).pack(),
        )
        for c in ctx.bloc.competences
    ]
    blocs += _rangees(competences)
    actions = (
        ("reprendre", "pause")
        if criteres_manquants or precisions_manquantes
        else ("soumettre", "reprendre")
    )
    blocs.append(_navigation(ev, actions))
    resume = txt.NOTE_REVUE_TITRE.format(bloc=ctx.bloc.id)
    return Reply(message=Message(summary=resume, blocks=tuple(blocs)))


def _rangees(boutons: list[Button]) -> list[Choices]:
    """Buttons in rows of at most MAX_BUTTONS (a channel's limit per row)."""
    return [
        Choices(buttons=tuple(boutons[i : i + MAX_BUTTONS]))
        for i in range(0, len(boutons), MAX_BUTTONS)
    ]


def vue_competence(ctx: _Ctx, competence: Competence) -> Reply:
    """One compétence from the review: each critère with its answer, a button to change any, and
    the précisions to write or edit."""
    ev = ctx.etat.evaluation
    lignes = []
    for critere in competence.criteres:
        reponse = ctx.grille.reponses.get(critere.id)
        valeur = reponse.valeur.value if reponse is not None else txt.NOTE_A_NOTER
        lignes.append(
            txt.NOTE_COMPETENCE_LIGNE.format(id=critere.id, libelle=critere.libelle, valeur=valeur)
        )
    precisions = ctx.grille.precisions.get(competence.id, "").strip()
    titre = txt.NOTE_TITRE_COMPETENCE.format(id=competence.id, libelle=competence.libelle)
    blocs: list[Heading | Paragraph | Context | Choices] = [
        Heading(text=shorten(titre, MAX_HEADING)),
        *paragraphs("\n".join(lignes))[: MAX_BLOCKS - 10],
        Context(
            text=shorten(
                txt.NOTE_PRECISIONS_ACTUELLES.format(texte=precisions)
                if precisions
                else txt.NOTE_PRECISIONS_ABSENTES,
                MAX_CONTEXT,
            )
        ),
    ]
    boutons = [
        Button(
            label=shorten(
                txt.NOTE_BOUTON_CRITERE.format(
                    critere=c.id,
                    valeur=(
                        r.valeur.value
                        if (r := ctx.grille.reponses.get(c.id)) is not None
                        else txt.NOTE_A_NOTER
                    ),
                ),
                MAX_BUTTON_LABEL,
            ),
            payload=Aller(evaluation=ev, action="modifier", critere=c.id).pack(),
        )
        for c in competence.criteres
    ]
    blocs += _rangees(boutons)[:5]
    ecrire = Button(
        label=txt.NOTE_BOUTON_MODIFIER_PRECISIONS
        if precisions
        else txt.NOTE_BOUTON_ECRIRE_PRECISIONS,
        payload=Aller(evaluation=ev, action="precisions", critere=competence.id).pack(),
    )
    revoir = Button(
        label=txt.NOTE_BOUTON_REVUE, payload=Aller(evaluation=ev, action="revue").pack()
    )
    blocs.append(Choices(buttons=(ecrire, revoir)))
    return Reply(message=Message(summary=shorten(titre), blocks=tuple(blocs)))


def _demande_commentaire(evaluation: str, critere: str, valeur: CodeValeur) -> Reply:
    """The optional comment after a value that suggests one (ECA, NA: référentiel data)."""
    texte = txt.NOTE_COMMENTAIRE_DEMANDE.format(valeur=valeur.value, critere=critere)
    return Reply(
        message=Message(
            summary=texte,
            titre=txt.NOTE_TITRE_COMMENTAIRE.format(critere=critere),
            blocks=(
                Paragraph(text=texte),
                *_saisie(evaluation, txt.NOTE_CHAMP_COMMENTAIRE, False),
                _navigation(evaluation, ("passer", "retour")),
            ),
        )
    )


def _demande_precisions(ctx: _Ctx, competence: Competence) -> Reply:
    statut = (
        txt.NOTE_PRECISIONS_OBLIGATOIRES if ctx.obligatoires else txt.NOTE_PRECISIONS_FACULTATIVES
    )
    actuelles = ctx.grille.precisions.get(competence.id, "").strip()
    if actuelles:  # already written: edited from the review
        texte = txt.NOTE_PRECISIONS_MODIFIER.format(competence=competence.id, texte=actuelles)
        actions: tuple[str, ...] = ("passer", "revue", "pause")
    else:
        texte = txt.NOTE_PRECISIONS_DEMANDE.format(competence=competence.id, statut=statut)
        actions = ("retour", "pause") if ctx.obligatoires else ("passer", "retour", "pause")
    saisie = _saisie(ctx.etat.evaluation, txt.NOTE_CHAMP_PRECISIONS, ctx.obligatoires)
    return Reply(
        message=Message(
            summary=shorten(texte),
            titre=txt.NOTE_TITRE_PRECISIONS.format(competence=competence.id),
            blocks=(
                *paragraphs(texte)[:10],
                *saisie,
                _navigation(ctx.etat.evaluation, actions),
            ),
        )
    )


# --- moving the cursor ---------------------------------------------------------------


def _vers(
    ctx: _Ctx, position: int, *avant: Reply, enregistrements: tuple[Element, ...] = ()
) -> Pas:
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


def _apres(ctx: _Ctx, *avant: Reply, enregistrements: tuple[Element, ...] = ()) -> Pas:
    """After the current critère: its compétence's précisions if it was the last, else the next."""
    competence = ctx.competence_de(ctx.critere.id)
    if ctx.critere.id == competence.criteres[-1].id and not ctx.grille.precisions.get(
        competence.id
    ):
        etat = ctx.etat.model_copy(
            update={"attente": Attente.PRECISIONS, "competence": competence.id}
        )
        return Pas(etat, (*avant, _demande_precisions(ctx, competence)), enregistrements)
    return _suivant(ctx, *avant, enregistrements=enregistrements)


def _suivant(ctx: _Ctx, *avant: Reply, enregistrements: tuple[Element, ...] = ()) -> Pas:
    """On to the next critère — or back to the review, when the review opened this one."""
    position = len(ctx.bloc.criteres) if ctx.etat.revue_apres else ctx.etat.position + 1
    return _vers(ctx, position, *avant, enregistrements=enregistrements)


# --- handlers ----------------------------------------------------------------------------


def _noter(ctx: _Ctx, evenement: Event, charge: Payload | None) -> Pas:
    assert isinstance(charge, Noter)
    position = next((i for i, c in enumerate(ctx.bloc.criteres) if c.id == charge.critere), None)
    if position is None:
        return Pas(ctx.etat, (say(txt.NOTE_CHOIX_INVALIDE),))
    ancienne = ctx.grille.reponses.get(charge.critere)
    reponse = Reponse(
        critere=charge.critere,
        evaluateur=ctx.etat.evaluateur,
        valeur=charge.valeur,
        commentaire=ancienne.commentaire if ancienne else "",
        horodatage=ctx.maintenant,
    )
    suite = replace(ctx, grille=ctx.grille.avec(reponse))
    if (
        position != ctx.etat.position
    ):  # a click on an older message: that critère, nothing else moves
        confirme = say(
            txt.NOTE_DEJA_REPONDU.format(valeur=f"{charge.critere} = {charge.valeur.value}")
        )
        # The clicked message too shows its new value (where the channel updates in place).
        la = replace(suite, etat=ctx.etat.model_copy(update={"position": position}))
        marque = Reply(message=question(la).message, to=Destination(replace=True))
        return Pas(ctx.etat, (marque, confirme, question(suite)), (reponse,))
    # Where the channel can, the answered message is updated in place with the value marked.
    marque = Reply(message=question(suite).message, to=Destination(replace=True))
    if ctx.bloc.modalites.echelle.valeur(charge.valeur).commentaire_suggere:
        etat = ctx.etat.model_copy(update={"attente": Attente.COMMENTAIRE})
        demande = _demande_commentaire(ctx.etat.evaluation, charge.critere, charge.valeur)
        return Pas(etat, (marque, demande), (reponse,))
    return _apres(suite, marque, enregistrements=(reponse,))


def _valeur_tapee(ctx: _Ctx, evenement: Event, charge: Payload | None) -> Pas:
    """A value code typed while a critère is shown (on a phone): recorded as its button would."""
    assert isinstance(evenement, TextEvent)
    code = evenement.text.strip().upper()
    if code not in {v.code.value for v in ctx.bloc.modalites.echelle.valeurs}:
        return _rappel(ctx, evenement, charge)
    critere = ctx.critere.id
    valeur = CodeValeur(code)
    pas = _noter(
        ctx, evenement, Noter(evaluation=ctx.etat.evaluation, critere=critere, valeur=valeur)
    )
    # No button was clicked, so no message to mark in place: a line says what was recorded.
    confirme = say(txt.NOTE_DEJA_REPONDU.format(valeur=f"{critere} = {code}"))
    return replace(pas, replies=(confirme, *(r for r in pas.replies if not r.to.replace)))


def _commentaire(ctx: _Ctx, evenement: Event, charge: Payload | None) -> Pas:
    assert isinstance(evenement, TextEvent)
    texte = evenement.text.strip()
    actuelle = ctx.grille.reponses.get(ctx.critere.id)
    if not texte or actuelle is None:
        return _apres(ctx)
    reponse = actuelle.model_copy(update={"commentaire": texte, "horodatage": ctx.maintenant})
    merci = say(
        txt.NOTE_COMMENTAIRE_ENREGISTRE.format(
            critere=ctx.critere.id, reference=ctx.grille.reference
        )
    )
    return _apres(replace(ctx, grille=ctx.grille.avec(reponse)), merci, enregistrements=(reponse,))


def _precisions(ctx: _Ctx, evenement: Event, charge: Payload | None) -> Pas:
    assert isinstance(evenement, TextEvent) and ctx.etat.competence is not None
    texte = evenement.text.strip()
    competence = ctx.etat.competence
    if not texte:
        if ctx.obligatoires and not ctx.grille.precisions.get(competence, "").strip():
            return Pas(ctx.etat, (say(txt.NOTE_PRECISIONS_VIDES.format(competence=competence)),))
        return _suivant(ctx)  # optional, or already written: kept as they are
    precisions = Precisions(
        competence=competence,
        evaluateur=ctx.etat.evaluateur,
        texte=texte,
        horodatage=ctx.maintenant,
    )
    merci = say(
        txt.NOTE_PRECISIONS_ENREGISTREES.format(
            competence=competence, reference=ctx.grille.reference
        )
    )
    suite = replace(ctx, grille=ctx.grille.avec(precisions))
    return _suivant(suite, merci, enregistrements=(precisions,))


def _aller(ctx: _Ctx, evenement: Event, charge: Payload | None) -> Pas:
    assert isinstance(charge, Aller)
    action = charge.action
    if action == "retour":
        return _vers(ctx, ctx.etat.position - (0 if ctx.etat.attente is not Attente.VALEUR else 1))
    if action == "passer":
        ecrites = ctx.grille.precisions.get(ctx.etat.competence or "", "").strip()
        if ctx.etat.attente is Attente.PRECISIONS and ctx.obligatoires and not ecrites:
            return Pas(
                ctx.etat, (say(txt.NOTE_PRECISIONS_VIDES.format(competence=ctx.etat.competence)),)
            )
        if ctx.etat.attente is Attente.COMMENTAIRE:
            return _apres(ctx)
        return _suivant(ctx)
    if action == "revue":
        etat = ctx.etat.model_copy(
            update={"attente": Attente.REVUE, "competence": None, "revue_apres": False}
        )
        return Pas(etat, (revue(replace(ctx, etat=etat)),))
    if action in ("competence", "precisions"):
        competence = ctx.competence(charge.critere)
        if competence is None:
            return Pas(ctx.etat, (say(txt.NOTE_CHOIX_INVALIDE),))
        if action == "competence":
            etat = ctx.etat.model_copy(
                update={"attente": Attente.REVUE, "competence": None, "revue_apres": False}
            )
            return Pas(etat, (vue_competence(replace(ctx, etat=etat), competence),))
        derniere = [c.id for c in ctx.bloc.criteres].index(competence.criteres[-1].id)
        etat = ctx.etat.model_copy(
            update={
                "attente": Attente.PRECISIONS, "competence": competence.id,
                "position": derniere, "revue_apres": True,
            }
        )  # fmt: skip
        return Pas(etat, (_demande_precisions(replace(ctx, etat=etat), competence),))
    if action == "pause":
        faites = len(ctx.grille.reponses)
        etat = ctx.etat
        if etat.attente in (Attente.VALEUR, Attente.COMMENTAIRE, Attente.PRECISIONS):
            # A line typed later is not an answer to what was shown: it comes back on resume.
            etat = etat.model_copy(update={"attente": Attente.PAUSE, "avant_pause": etat.attente})
        return Pas(etat, (say(txt.NOTE_PAUSE.format(faites=faites, total=len(ctx.bloc.criteres))),))
    if action == "modifier":
        position = next(
            (i for i, c in enumerate(ctx.bloc.criteres) if c.id == charge.critere), None
        )
        if position is None:
            return Pas(ctx.etat, (say(txt.NOTE_CHOIX_INVALIDE),))
        # A jump from the review (or an older review's button): once answered, back to it.
        return _vers(replace(ctx, etat=ctx.etat.model_copy(update={"revue_apres": True})), position)
    if action == "soumettre":
        return _soumettre(ctx)
    if ctx.etat.attente is Attente.REVUE:
        return _continuer(ctx)
    return reprendre(ctx)


def _continuer(ctx: _Ctx) -> Pas:
    """« Reprendre » from the review: the first critère without a value, else the first
    précisions still required; the review again only once nothing is missing."""
    criteres, precisions = manques(ctx.grille, ctx.bloc)
    ctx = replace(ctx, etat=ctx.etat.model_copy(update={"revue_apres": False}))
    if criteres:
        return _vers(ctx, [c.id for c in ctx.bloc.criteres].index(criteres[0]))
    competence = ctx.competence(precisions[0]) if precisions else None
    if competence is None:
        return Pas(ctx.etat, (revue(ctx),))
    derniere = [c.id for c in ctx.bloc.criteres].index(competence.criteres[-1].id)
    etat = ctx.etat.model_copy(
        update={"attente": Attente.PRECISIONS, "competence": competence.id, "position": derniere}
    )
    return Pas(etat, (_demande_precisions(replace(ctx, etat=etat), competence),))


def _soumettre(ctx: _Ctx) -> Pas:
    criteres, precisions = manques(ctx.grille, ctx.bloc)
    if criteres or precisions:
        manque = ", ".join(
            [*criteres[:10], *(txt.NOTE_MANQUE_PRECISIONS.format(competence=c) for c in precisions)]
        )
        etat = ctx.etat.model_copy(update={"attente": Attente.REVUE})
        refus = say(txt.NOTE_SOUMISSION_INCOMPLETE.format(manque=manque))
        return Pas(etat, (refus, revue(replace(ctx, etat=etat))))
    soumission = Soumission(evaluateur=ctx.etat.evaluateur, horodatage=ctx.maintenant)
    etat = ctx.etat.model_copy(update={"attente": Attente.SOUMISE})
    return Pas(etat, (say(txt.NOTE_SOUMISE.format(total=len(ctx.bloc.criteres))),), (soumission,))


def _annuler(ctx: _Ctx, evenement: Event, charge: Payload | None) -> Pas:
    """« annuler » typed instead of a comment or précisions: back to the critère, nothing stored."""
    if ctx.etat.attente is Attente.COMMENTAIRE:
        dit = txt.SRV_COMMENTAIRE_ANNULE.format(critere=ctx.critere.id)
    else:
        modele = (
            txt.SRV_PRECISIONS_ANNULEES_OBLIGATOIRES
            if ctx.obligatoires
            else txt.SRV_PRECISIONS_ANNULEES
        )
        dit = modele.format(competence=ctx.etat.competence)
    return _vers(ctx, ctx.etat.position, say(dit))


def _rappel(ctx: _Ctx, evenement: Event, charge: Payload | None) -> Pas:
    """Something the flow does not expect now: say what it expects, change nothing."""
    if ctx.etat.attente is Attente.VALEUR:
        return Pas(ctx.etat, (say(txt.NOTE_ATTENDU_UN_CHOIX), question(ctx)))
    return reprendre(ctx)


def _verrouillee(ctx: _Ctx) -> Pas:
    etat = ctx.etat.model_copy(update={"attente": Attente.SOUMISE})
    return Pas(etat, (say(txt.NOTE_DEJA_SOUMISE),))


def _soumise(ctx: _Ctx, evenement: Event, charge: Payload | None) -> Pas:
    return _verrouillee(ctx)


def _repris(ctx: _Ctx) -> _Ctx:
    """A grid paused at a prompt, awaiting that prompt's text again."""
    if ctx.etat.attente is not Attente.PAUSE:
        return ctx
    attente = ctx.etat.avant_pause or Attente.VALEUR
    return replace(ctx, etat=ctx.etat.model_copy(update={"attente": attente, "avant_pause": None}))


def _noter_en_pause(ctx: _Ctx, evenement: Event, charge: Payload | None) -> Pas:
    """A value clicked on a paused grid: as if the prompt it was paused at were still shown."""
    return _noter(_repris(ctx), evenement, charge)


def _aller_en_pause(ctx: _Ctx, evenement: Event, charge: Payload | None) -> Pas:
    """Resume (the prompt again), or any navigation button as from the prompt paused at."""
    return _aller(_repris(ctx), evenement, charge)


def reprendre(ctx: _Ctx) -> Pas:
    """Show again what the flow waits for (resume after a pause, days later)."""
    ctx = _repris(ctx)
    attente = ctx.etat.attente
    if attente is Attente.SOUMISE:
        return _verrouillee(ctx)
    if attente is Attente.REVUE:
        return Pas(ctx.etat, (revue(ctx),))
    if attente is Attente.PRECISIONS:
        competence = ctx.competence(ctx.etat.competence or "") or ctx.competence_de(ctx.critere.id)
        return Pas(ctx.etat, (_demande_precisions(ctx, competence),))
    repondu = ctx.grille.reponses.get(ctx.critere.id)
    if attente is Attente.COMMENTAIRE and repondu is not None:
        return Pas(
            ctx.etat, (_demande_commentaire(ctx.etat.evaluation, repondu.critere, repondu.valeur),)
        )
    return Pas(ctx.etat, (question(ctx),))


# --- the table ----------------------------------------------------------------------------

TABLE: dict[Attente, dict[str, Handler]] = {
    Attente.VALEUR: {"noter": _noter, "aller": _aller, "texte": _valeur_tapee},
    Attente.COMMENTAIRE: {
        "texte": _commentaire,
        "annuler": _annuler,
        "noter": _noter,
        "aller": _aller,
    },
    Attente.PRECISIONS: {
        "texte": _precisions,
        "annuler": _annuler,
        "noter": _noter,
        "aller": _aller,
    },
    Attente.REVUE: {"noter": _noter, "aller": _aller},
    Attente.SOUMISE: {},
    Attente.PAUSE: {"noter": _noter_en_pause, "aller": _aller_en_pause},
}
"""For each thing awaited, which kind of event is answered by which handler.

Anything else gets :func:`_rappel` (what is expected), or for a submitted
grid :func:`_soumise` (it is locked).
"""


def _nature(evenement: Event, evaluation: str) -> tuple[str, Payload | None]:
    if isinstance(evenement, ChoiceEvent):
        try:
            charge = unpack_any(evenement.payload, (Noter, Aller))
        except InvalidPayload:
            return "invalide", None
        if getattr(charge, "evaluation", None) != evaluation:
            return "invalide", None
        return ("noter" if isinstance(charge, Noter) else "aller"), charge
    if isinstance(evenement, TextEvent):
        return ("annuler" if est_annulation(evenement.text) else "texte"), None
    return "autre", None


def etape(
    etat: EtatNotation, evenement: Event, grille: Grille, bloc: Bloc, maintenant: datetime
) -> Pas:
    """One step of the scoring conversation. Pure: no I/O, the records come back to be stored."""
    ctx = _Ctx(etat, grille, bloc, maintenant)
    if grille.soumise and etat.attente is not Attente.SOUMISE:
        ctx = replace(ctx, etat=etat.model_copy(update={"attente": Attente.SOUMISE}))
    elif not grille.soumise and etat.attente is Attente.SOUMISE:  # re-opened by a coordinateur
        ctx = replace(ctx, etat=etat.model_copy(update={"attente": Attente.REVUE}))
    nature, charge = _nature(evenement, etat.evaluation)
    if nature == "invalide":
        return Pas(ctx.etat, (say(txt.NOTE_CHOIX_INVALIDE),))
    defaut = _soumise if ctx.etat.attente is Attente.SOUMISE else _rappel
    handler = TABLE[ctx.etat.attente].get(nature, defaut)
    return handler(ctx, evenement, charge)


def commencer(
    evaluation: str, evaluateur: str, grille: Grille, bloc: Bloc, maintenant: datetime
) -> Pas:
    """Open (or resume) a grid at its first critère without a value."""
    premier = next(
        (i for i, c in enumerate(bloc.criteres) if c.id not in grille.reponses), len(bloc.criteres)
    )
    etat = EtatNotation(evaluation=evaluation, evaluateur=evaluateur)
    ctx = _Ctx(etat, grille, bloc, maintenant)
    if grille.soumise:
        return _verrouillee(ctx)
    return _vers(ctx, premier)
