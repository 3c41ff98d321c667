"""The consolidated proposal: per compétence and per bloc, from the agreed values.

The jury decides; the bot only *proposes* (BRIEF §3.7), by the référentiel's
rule (``tous_criteres_acquis``): a compétence, or a bloc, is proposed

- *à arbitrer* when a critère is still disputed (a désaccord persistant goes
  to the jury with both positions) — this comes first, since nothing else
  can be concluded while it stands;
- *non validé* when a critère is agreed NA or ECA;
- *à compléter* when a critère is agreed NO (not observed): the evidence is
  missing, not the skill;
- *validé* when every critère is agreed A.

A critère's agreed value is the common value when the grids concur, or the
value both évaluateurs accepted in reconciliation (an :class:`Accord`
record). Never an average, a maximum, or the first one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from flows.comparaison import Comparaison, Ecart
from flows.evaluation import Dossier
from referentiel import Bloc, CodeValeur, Echelle, default


class Proposition(StrEnum):
    VALIDE = "valide"
    NON_VALIDE = "non_valide"
    A_COMPLETER = "a_completer"
    A_ARBITRER = "a_arbitrer"


def proposition(
    valeurs: Iterable[CodeValeur | None], echelle: Echelle | None = None
) -> Proposition:
    """The proposal for a set of agreed values (None: still disputed), by the scale's rule.

    What counts as observed and as acquired is read from the référentiel's
    scale (``observe``, ``acquis``), whose rule must be ``tous_criteres_acquis``.
    """
    echelle = echelle or default().echelle
    if (
        echelle.regle_validation.code != "tous_criteres_acquis"
    ):  # pragma: no cover - data checked at load
        raise ValueError(f"unknown validation rule {echelle.regle_validation.code}")
    valeurs = list(valeurs)
    if any(v is None for v in valeurs):
        return Proposition.A_ARBITRER
    sens = [echelle.valeur(v) for v in valeurs if v is not None]
    if any(s.observe and not s.acquis for s in sens):
        return Proposition.NON_VALIDE
    if any(not s.observe for s in sens):
        return Proposition.A_COMPLETER
    return Proposition.VALIDE


@dataclass(frozen=True, slots=True)
class Consolidation:
    """Agreed values, and the proposal per compétence and for the bloc."""

    bloc: str
    valeurs: Mapping[str, CodeValeur | None]
    """Agreed value per critère; None for a désaccord persistant."""
    competences: Mapping[str, Proposition]
    proposition: Proposition

    @property
    def desaccords_persistants(self) -> tuple[str, ...]:
        return tuple(c for c, v in self.valeurs.items() if v is None)


def consolider(comparaison: Comparaison, dossier: Dossier, bloc: Bloc) -> Consolidation:
    """The proposal for ``bloc`` from the compared grids and the agreements reached."""
    accords = {a.critere: a.valeur for a in dossier.accords_actifs}
    valeurs: dict[str, CodeValeur | None] = {}
    for ligne in comparaison.lignes:
        concordant = ligne.ecart in (Ecart.CONCORDANT, Ecart.NON_OBSERVE)
        valeurs[ligne.critere] = ligne.valeur_1 if concordant else accords.get(ligne.critere)
    echelle = bloc.modalites.echelle
    competences = {
        c.id: proposition((valeurs[critere.id] for critere in c.criteres), echelle)
        for c in bloc.competences
    }
    return Consolidation(bloc.id, valeurs, competences, proposition(valeurs.values(), echelle))


def proposition_cqp(propositions_blocs: Mapping[str, Proposition], blocs: Iterable[str]) -> bool:
    """The CQP is proposed only when every bloc of the référentiel is proposed validé."""
    return all(propositions_blocs.get(b) is Proposition.VALIDE for b in blocs)
