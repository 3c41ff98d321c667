"""The scoring's messages: a compétence's card (its critère's question), its recap, the prompts
for a comment or précisions. Built from the state; they decide nothing (the review:
:mod:`flows.notation.revue`)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from flows import catalogue as txt
from flows.messages import (
    MAX_BUTTON_LABEL,
    MAX_HEADING,
    MAX_TYPED,
    Button,
    Choices,
    Context,
    Fields,
    Heading,
    Message,
    Paragraph,
    Reply,
    TextInput,
    paragraphs,
    shorten,
)
from flows.notation.etat import Aller, Ctx, Noter
from flows.payloads import (
    Envoyer,
)
from referentiel import Bloc, CodeValeur, Competence, Critere


def question(ctx: Ctx) -> Reply:
    """The card of the current critère's compétence: the critères already passed with their
    value, then the current one — its text, progress, value and navigation buttons.

    One card per compétence: as the évaluateur moves on, the card they click on is updated in
    place (:mod:`flows.notation.pas`), so a grid leaves one message per compétence, not one per
    critère.
    """
    critere, bloc, ev = ctx.critere, ctx.bloc, ctx.etat.evaluation
    fixe = _partie_fixe(bloc, critere)
    passes = _passes(ctx, ctx.competence_de(critere.id), critere.id)
    blocs: list[Heading | Fields | Paragraph | Context | Choices] = [
        fixe.tete[0],
        *passes,
        *fixe.tete[1:],
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
    blocs.append(navigation(ev, ("retour", "passer", "revue", "pause"), critere.id))
    return Reply(message=Message(summary=fixe.resume, blocks=tuple(blocs)))


def _passes(ctx: Ctx, competence: Competence, actuel: str | None) -> tuple[Fields, ...]:
    """The compétence's critères the évaluateur went past (all but ``actuel``), with their value:
    those before it, « à noter » when skipped, and those after it already answered."""
    ids = [c.id for c in competence.criteres]
    rang = ids.index(actuel) if actuel in ids else len(ids)
    items = []
    for i, critere in enumerate(competence.criteres):
        reponse = ctx.grille.reponses.get(critere.id)
        if critere.id == actuel or (reponse is None and i > rang):
            continue
        valeur = reponse.valeur.value if reponse is not None else txt.NOTE_A_NOTER
        items.append((critere.id, shorten(txt.NOTE_CARTE_LIGNE.format(
            valeur=valeur, libelle=critere.libelle
        ), 70)))  # fmt: skip
    return tuple(Fields(items=tuple(items[i : i + 10])) for i in range(0, len(items), 10))


def recapitulatif(ctx: Ctx, competence: Competence) -> Reply:
    """A compétence's card once the évaluateur has gone through it: each critère and its value."""
    faites = sum(c.id in ctx.grille.reponses for c in competence.criteres)
    titre = txt.NOTE_TITRE_COMPETENCE.format(id=competence.id, libelle=competence.libelle)
    bilan = txt.NOTE_CARTE_TERMINEE.format(
        competence=competence.id, faites=faites, total=len(competence.criteres)
    )
    blocs = (
        Heading(text=shorten(titre, MAX_HEADING)),
        *_passes(ctx, competence, None),
        Context(text=bilan),
    )
    return Reply(message=Message(summary=bilan, blocks=blocs))


@dataclass(frozen=True)
class _PartieFixe:
    """What a critère's question shows whoever answers it, built once per critère.

    A card is built at each click (the next critère asked, or the value marked): its
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


_NOMMEES = frozenset({"retour", "passer"})
"""Moves whose payload names where they were shown (``Aller.critere``): « Passer » clicked on
the next critère's card is not the same click as on this one's (``flows.clics``)."""


@functools.lru_cache(maxsize=4096)
def navigation(evaluation: str, actions: tuple[str, ...], ou: str = "-") -> Choices:
    """The navigation buttons of an evaluation's messages (frozen, so shared between them);
    ``ou``: the critère (or compétence) they are shown for."""
    return Choices(
        buttons=tuple(
            Button(
                label=_LIBELLES[a],
                payload=Aller(
                    evaluation=evaluation, action=a, critere=ou if a in _NOMMEES else "-"
                ).pack(),
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


def demande_commentaire(evaluation: str, critere: str, valeur: CodeValeur) -> Reply:
    """The optional comment after a value that suggests one (ECA, NA: référentiel data)."""
    texte = txt.NOTE_COMMENTAIRE_DEMANDE.format(valeur=valeur.value, critere=critere)
    return Reply(
        message=Message(
            summary=texte,
            titre=txt.NOTE_TITRE_COMMENTAIRE.format(critere=critere),
            blocks=(
                Paragraph(text=texte),
                *_saisie(evaluation, txt.NOTE_CHAMP_COMMENTAIRE, False),
                navigation(evaluation, ("passer", "retour"), critere),
            ),
        )
    )


def demande_precisions(ctx: Ctx, competence: Competence) -> Reply:
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
                navigation(ctx.etat.evaluation, actions, competence.id),
            ),
        )
    )
