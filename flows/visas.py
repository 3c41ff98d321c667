"""The visas and the result: the consolidated proposal shown to each évaluateur, their visas,
and the result sent once both signed it (the proposal itself is :mod:`flows.consolidation`).
"""

from __future__ import annotations

from datetime import datetime

from flows import catalogue as txt
from flows.comparaison import Comparaison, comparer
from flows.consolidation import Consolidation, consolider
from flows.consolidation import Proposition as PropositionBloc
from flows.evaluation import Dossier, Visa
from flows.messages import (
    MAX_CONTEXT,
    MAX_HEADING,
    Button,
    Choices,
    Context,
    Destination,
    Fields,
    Heading,
    Message,
    Paragraph,
    Reply,
    say,
    shorten,
)
from flows.qualite import texte_coefficients
from flows.rapprochement import Consolider, Resultat
from referentiel import Bloc


def _comparee(dossier: Dossier, bloc: Bloc) -> tuple[Comparaison, Consolidation]:
    """The two grids compared once, and the consolidation made from that comparison."""
    comparaison = comparer(dossier, bloc)
    return comparaison, consolider(comparaison, dossier, bloc)


def proposition_consolidee(dossier: Dossier, bloc: Bloc, lecteur: str) -> Reply:
    """The proposal per compétence and for the bloc, the disputes left, and the visa button.

    The button is shown to the two évaluateurs only (a coordinateur reads the proposal
    with ``resultat`` but gives no visa).
    """
    comparaison, cons = _comparee(dossier, bloc)
    ev = dossier.evaluation
    titre = txt.CONS_TITRE.format(reference=ev.candidat.reference, bloc=bloc.id)
    blocs: list[Heading | Fields | Paragraph | Context | Choices] = [
        Heading(text=shorten(titre, MAX_HEADING)),
        *(
            Fields(
                items=tuple(
                    (c, txt.CONS_PROPOSITIONS[p.value])
                    for c, p in list(cons.competences.items())[i : i + 10]
                )
            )
            for i in range(0, len(cons.competences), 10)
        ),
        Paragraph(
            text=txt.CONS_BLOC.format(proposition=txt.CONS_PROPOSITIONS[cons.proposition.value])
        ),
    ]
    if cons.desaccords_persistants:
        blocs.append(
            Context(
                text=shorten(
                    txt.CONS_PERSISTANTS.format(criteres=_positions(dossier, comparaison, cons)),
                    2000,
                )
            )
        )
    accord = txt.RES_ACCORD.format(pourcentage=round(100 * comparaison.accord_observe))
    blocs.append(
        Context(text=shorten(f"{accord} {texte_coefficients(comparaison.accord())}", MAX_CONTEXT))
    )
    if lecteur in {e.utilisateur for e in ev.evaluateurs}:
        bouton = Button(
            label=txt.CONS_BOUTON_VISA,
            payload=Consolider(evaluation=ev.id, action="viser").pack(),
            style="primary",
        )
        blocs.append(Choices(buttons=(bouton,)))
    return Reply(message=Message(summary=shorten(titre, 3000), blocks=tuple(blocs)))


def _positions(dossier: Dossier, comparaison: Comparaison, cons: Consolidation) -> str:
    """Each persistent disagreement, saying whose position is which.

    « B1.C5.3 (Amel Haddad : A / Paul Roche : NO) »: the order of the evaluation's évaluateurs.
    """
    lignes = {ligne.critere: ligne for ligne in comparaison.lignes}
    premier, second = (shorten(e.nom, 40) for e in dossier.evaluation.evaluateurs)
    return ", ".join(
        txt.CONS_POSITIONS.format(
            critere=c,
            nom_1=premier,
            valeur_1=lignes[c].valeur_1.value,
            nom_2=second,
            valeur_2=lignes[c].valeur_2.value,
        )
        for c in cons.desaccords_persistants
    )


def viser(dossier: Dossier, bloc: Bloc, utilisateur: str, maintenant: datetime) -> Resultat:
    """Record a visa; with both, the result goes to the results destination and coordinateurs."""
    if any(v.evaluateur == utilisateur for v in dossier.visas_actifs):
        return Resultat((say(txt.CONS_DEJA_VISE),))
    visa = Visa(evaluateur=utilisateur, horodatage=maintenant)
    if len(dossier.visas_actifs) + 1 < 2:
        return Resultat((say(txt.CONS_VISA_ENREGISTRE),), (visa,))
    resultat = message_resultat(dossier, bloc)
    envois = [
        Reply(message=resultat, to=Destination(kind="user", user=c))
        for c in dossier.evaluation.coordinateurs
    ]
    if dossier.evaluation.destination_resultats:
        cible = Destination(
            kind="results", target=dossier.evaluation.destination_resultats,
            responsables=dossier.evaluation.coordinateurs,
        )  # fmt: skip
        envois.append(Reply(message=resultat, to=cible))
    return Resultat((Reply(message=resultat), *envois), (visa,))


def message_resultat(dossier: Dossier, bloc: Bloc) -> Message:
    """The result summary: pseudonymous reference only (it may be posted in a shared channel)."""
    comparaison, cons = _comparee(dossier, bloc)
    ev = dossier.evaluation
    titre = txt.RES_TITRE.format(reference=ev.candidat.reference, bloc=bloc.id)
    non_acquises = [c for c, p in cons.competences.items() if p is not PropositionBloc.VALIDE]
    textes = [
        txt.CONS_BLOC.format(proposition=txt.CONS_PROPOSITIONS[cons.proposition.value]),
        txt.RES_ACCORD.format(pourcentage=round(100 * comparaison.accord_observe)),
        texte_coefficients(comparaison.accord()),
    ]
    if non_acquises:
        textes.append(txt.RES_NON_ACQUISES.format(competences=", ".join(non_acquises)))
        noms = {e.utilisateur: e.nom for e in ev.evaluateurs}
        for p in dossier.precisions:
            if p.competence in non_acquises and p.texte:
                textes.append(
                    txt.RES_PRECISIONS.format(
                        competence=p.competence,
                        evaluateur=noms.get(p.evaluateur, p.evaluateur),
                        texte=p.texte,
                    )
                )
    if cons.desaccords_persistants:
        textes.append(txt.CONS_PERSISTANTS.format(criteres=_positions(dossier, comparaison, cons)))
    textes.append(txt.RES_VISAS.format(evaluation=ev.id))
    return Message(
        summary=shorten(titre, 3000),
        blocks=(
            Heading(text=shorten(titre, MAX_HEADING)),
            *(Paragraph(text=shorten(t, 3000)) for t in textes),
        ),
    )
