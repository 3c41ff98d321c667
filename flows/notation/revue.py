"""The review of a grid: the whole grid at a glance, what is missing, and a compétence's page
from it (each critère with its answer, to change any, and the précisions)."""

from __future__ import annotations

from typing import Literal

from flows import catalogue as txt
from flows.messages import (
    MAX_BLOCKS,
    MAX_BUTTON_LABEL,
    MAX_BUTTONS,
    MAX_CONTEXT,
    MAX_HEADING,
    Button,
    Choices,
    Context,
    Fields,
    Heading,
    Message,
    Paragraph,
    Reply,
    paragraphs,
    shorten,
)
from flows.notation.etat import Aller, Ctx, Grille
from flows.notation.vues import navigation
from referentiel import Bloc, Competence


def manques(grille: Grille, bloc: Bloc) -> tuple[list[str], list[str]]:
    """Critères without a value, and compétences without the précisions they require."""
    criteres = [c.id for c in bloc.criteres if c.id not in grille.reponses]
    precisions = (
        [c.id for c in bloc.competences if not grille.precisions.get(c.id, "").strip()]
        if bloc.modalites.precisions_obligatoires
        else []
    )
    return criteres, precisions


def revue(ctx: Ctx) -> Reply:
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
        blocs.append(_allers(ev, "modifier", criteres_manquants, txt.NOTE_BOUTON_MODIFIER))
    if precisions_manquantes:
        blocs.append(_allers(ev, "precisions", precisions_manquantes, txt.NOTE_BOUTON_PRECISIONS))
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
    blocs.append(navigation(ev, actions))
    resume = txt.NOTE_REVUE_TITRE.format(bloc=ctx.bloc.id)
    return Reply(message=Message(summary=resume, blocks=tuple(blocs)))


def _allers(
    evaluation: str, action: Literal["modifier", "precisions"], ids: list[str], libelle: str
) -> Choices:
    """One button per critère (or compétence) missing, that opens it (the first 20)."""
    return Choices(
        buttons=tuple(
            Button(
                label=libelle.format(critere=i, competence=i),
                payload=Aller(evaluation=evaluation, action=action, critere=i).pack(),
            )
            for i in ids[:20]
        )
    )


def _rangees(boutons: list[Button]) -> list[Choices]:
    """Buttons in rows of at most MAX_BUTTONS (a channel's limit per row)."""
    return [
        Choices(buttons=tuple(boutons[i : i + MAX_BUTTONS]))
        for i in range(0, len(boutons), MAX_BUTTONS)
    ]


def vue_competence(ctx: Ctx, competence: Competence) -> Reply:
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
