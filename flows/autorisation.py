"""Who may do what with an evaluation — decided here, in the domain, never in an adapter.

A channel only says who the user is (after authenticating the request); the
same rules then hold on every channel: only the two assigned évaluateurs
score and reconcile; its coordinateurs (and configured admins) follow,
re-open and export; nobody else sees anything of it.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum

from flows.evaluation import Evaluation


class Action(StrEnum):
    NOTER = "noter"
    """Score one's own grid, record evidence."""
    RAPPROCHER = "rapprocher"
    """Propose or accept agreed values, give one's visa."""
    VOIR = "voir"
    """See the evaluation (one's own grid; both grids once both are submitted)."""
    SUIVRE = "suivre"
    """See both grids' progress as counts only (coordinateurs: the blind rule holds for them)."""
    ROUVRIR = "rouvrir"
    EXPORTER = "exporter"


def autorise(
    evaluation: Evaluation, utilisateur: str, action: Action, admins: Collection[str] = ()
) -> bool:
    """Whether ``utilisateur`` may do ``action`` on ``evaluation``. (Asked for each of a
    session's thousands of evaluations by the dashboard: no set is built.)"""
    evaluateur = any(e.utilisateur == utilisateur for e in evaluation.evaluateurs)
    responsable = utilisateur in evaluation.coordinateurs or utilisateur in admins
    if action in (Action.NOTER, Action.RAPPROCHER):
        return evaluateur
    if action is Action.VOIR:
        return evaluateur or responsable
    # SUIVRE — counts of both grids: the coordinateurs' view. An évaluateur would learn how
    # far the other is, which the blind rule keeps from them. ROUVRIR, EXPORTER: theirs too.
    return responsable
