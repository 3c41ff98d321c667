"""Comparing the two grids once both are submitted, and the complementary interview's agenda.

Per critère the two values are *concordant*, or differ in one of four ways
that do not weigh the same (BRIEF §3.4): a *critical* gap crosses the
validation boundary (A against ECA or NA), a *minor* one does not (ECA
against NA), a *coverage gap* is one évaluateur who observed against one who
did not (NO against a value), and *both NO* is a critère nobody observed.
The complementary interview (15 minutes) is for what was not observed:
its agenda lists the coverage gaps and the critères both left NO, by
compétence, so the évaluateurs know what to ask.

Pure functions over the stored records; nothing here decides a value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from flows.agreement import Accord, mesurer_accord
from flows.evaluation import Dossier
from referentiel import Bloc, CodeValeur, Competence

OBSERVEES = (CodeValeur.A, CodeValeur.ECA, CodeValeur.NA)


class Ecart(StrEnum):
    """How the two évaluateurs' values for a critère relate."""

    CONCORDANT = "concordant"
    CRITIQUE = "critique"
    MINEUR = "mineur"
    COUVERTURE = "couverture"
    NON_OBSERVE = "non_observe"


def ecart(valeur_1: CodeValeur, valeur_2: CodeValeur) -> Ecart:
    """The kind of gap between two values of the scale."""
    if valeur_1 == valeur_2:
        return Ecart.NON_OBSERVE if valeur_1 is CodeValeur.NO else Ecart.CONCORDANT
    if CodeValeur.NO in (valeur_1, valeur_2):
        return Ecart.COUVERTURE
    if CodeValeur.A in (valeur_1, valeur_2):
        return Ecart.CRITIQUE
    return Ecart.MINEUR


@dataclass(frozen=True, slots=True)
class LigneComparaison:
    """One critère: each évaluateur's value (and comment) and the gap between them."""

    critere: str
    competence: str
    valeur_1: CodeValeur
    valeur_2: CodeValeur
    commentaire_1: str
    commentaire_2: str

    @property
    def ecart(self) -> Ecart:
        return ecart(self.valeur_1, self.valeur_2)


@dataclass(frozen=True, slots=True)
class Comparaison:
    """The two grids side by side, in the order of the bloc."""

    lignes: tuple[LigneComparaison, ...]

    def par_ecart(self, *ecarts: Ecart) -> tuple[LigneComparaison, ...]:
        return tuple(ligne for ligne in self.lignes if ligne.ecart in ecarts)

    @property
    def desaccords(self) -> tuple[LigneComparaison, ...]:
        """Every critère that needs an agreed value (all but concordant ones)."""
        return tuple(ligne for ligne in self.lignes if ligne.ecart is not Ecart.CONCORDANT)

    @property
    def accord_observe(self) -> float:
        """Share of critères given the same value, NO included (the candidate's figure)."""
        return sum(ligne.valeur_1 == ligne.valeur_2 for ligne in self.lignes) / len(self.lignes)

    def accord(self) -> Accord | None:
        """κ, AC1, PABAK over the critères both évaluateurs observed; None if there are none."""
        paires = [
            (ligne.valeur_1.value, ligne.valeur_2.value)
            for ligne in self.lignes
            if ligne.valeur_1 in OBSERVEES and ligne.valeur_2 in OBSERVEES
        ]
        return mesurer_accord(paires, categories=[v.value for v in OBSERVEES]) if paires else None


class GrilleIncomplete(ValueError):
    """An évaluateur has no value for some critères: the grids cannot be compared yet."""

    def __init__(self, evaluateur: str, criteres: Sequence[str]) -> None:
        self.evaluateur = evaluateur
        self.criteres = tuple(criteres)
        super().__init__(f"{evaluateur}: no value for {', '.join(criteres)}")


def comparer(dossier: Dossier, bloc: Bloc) -> Comparaison:
    """Both évaluateurs' grids of ``bloc``, critère by critère.

    Raises:
        GrilleIncomplete: a critère has no value from one of them.
    """
    premier, second = (e.utilisateur for e in dossier.evaluation.evaluateurs)
    reponses = {(r.critere, r.evaluateur): r for r in dossier.reponses}
    for evaluateur in (premier, second):
        manquants = [c.id for c in bloc.criteres if (c.id, evaluateur) not in reponses]
        if manquants:
            raise GrilleIncomplete(evaluateur, manquants)
    lignes = []
    for competence in bloc.competences:
        for critere in competence.criteres:
            r1, r2 = reponses[(critere.id, premier)], reponses[(critere.id, second)]
            lignes.append(
                LigneComparaison(
                    critere.id, competence.id, r1.valeur, r2.valeur, r1.commentaire, r2.commentaire
                )
            )
    return Comparaison(tuple(lignes))


@dataclass(frozen=True, slots=True)
class PointAgenda:
    """A compétence to explore in the complementary interview, and its critères."""

    competence: Competence
    couverture: tuple[str, ...]
    non_observes: tuple[str, ...]


def agenda(comparaison: Comparaison, bloc: Bloc) -> tuple[PointAgenda, ...]:
    """What the complementary interview should cover, by compétence in the bloc's order."""
    points = []
    for competence in bloc.competences:
        lignes = [ligne for ligne in comparaison.lignes if ligne.competence == competence.id]
        couverture = tuple(ligne.critere for ligne in lignes if ligne.ecart is Ecart.COUVERTURE)
        non_observes = tuple(ligne.critere for ligne in lignes if ligne.ecart is Ecart.NON_OBSERVE)
        if couverture or non_observes:
            points.append(PointAgenda(competence, couverture, non_observes))
    return tuple(points)
