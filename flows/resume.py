"""Where one evaluation stands, in a few fields: what a session's list and dashboard read.

A coordinatrice's dashboard shows thousands of evaluations at once; rebuilding each one's
state from its whole dossier (every answer, compared, consolidated) costs about 2 ms an
evaluation — 16 s for a session of 2,000 candidates. The store keeps this summary beside each
evaluation's header instead, made again each time the evaluation changes
(``storage.store``), so that reading a session is reading its summaries.

The summary holds both grids' counts: what a reader may see of them (the blind rule) is
decided where it is shown (``flows.candidats``), as before.
"""

from __future__ import annotations

from collections import Counter
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from flows.comparaison import comparer
from flows.consolidation import Proposition, consolider
from flows.evaluation import Dossier, Identifiant
from referentiel import Bloc


class Grille(BaseModel):
    """One évaluateur's grid: how far it is."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    evaluateur: Identifiant
    faites: int
    soumise: bool


class Resume(BaseModel):
    """Where an evaluation stands: the grids, the disagreements left, the proposal, the visas."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    evaluation: str
    bloc: str
    reference: str
    total: int
    """The bloc's critères: a grid is complete at ``total``."""
    grilles: tuple[Grille, ...]
    proposition: Proposition | None = None
    """Once both grids are submitted: the consolidated proposal for the bloc."""
    desaccords: int = 0
    """Once both grids are submitted: the persistent disagreements left."""
    visas: int = 0
    """Visas standing (given since the last re-opening), by different évaluateurs."""
    visee: bool = False
    """Both évaluateurs gave their visa."""

    TABLE: ClassVar[str] = "resumes"

    @property
    def soumise_par_les_deux(self) -> bool:
        return self.proposition is not None

    @property
    def acquis(self) -> bool:
        """Proposed validé, both visas given: the bloc counts towards the CQP proposal."""
        return self.visee and self.proposition is Proposition.VALIDE

    def grille(self, evaluateur: str) -> Grille | None:
        return next((g for g in self.grilles if g.evaluateur == evaluateur), None)


def resumer(dossier: Dossier, bloc: Bloc) -> Resume:
    """The summary of ``dossier``, an evaluation of ``bloc``. Made at every click: each table
    is read once."""
    evaluation = dossier.evaluation
    faites = Counter(r.evaluateur for r in dossier.reponses)
    soumis = {s.evaluateur for s in dossier.soumissions_actives}
    evaluateurs = [e.utilisateur for e in evaluation.evaluateurs]
    proposition, desaccords = None, 0
    if soumis.issuperset(evaluateurs):  # both grids submitted: the blind rule is lifted
        consolidation = consolider(comparer(dossier, bloc), dossier, bloc)
        proposition = consolidation.proposition
        desaccords = len(consolidation.desaccords_persistants)
    vises = {v.evaluateur for v in dossier.visas_actifs}
    return Resume(
        evaluation=evaluation.id,
        bloc=evaluation.bloc,
        reference=evaluation.candidat.reference,
        total=len(bloc.criteres),
        grilles=tuple(
            Grille(evaluateur=e, faites=faites[e], soumise=e in soumis) for e in evaluateurs
        ),
        proposition=proposition,
        desaccords=desaccords,
        visas=len(vises),
        visee=vises.issuperset(evaluateurs),
    )
