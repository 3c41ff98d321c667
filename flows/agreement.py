"""Agreement between two évaluateurs: percent agreement, Cohen's κ, Gwet's AC1, PABAK.

For quality monitoring only: the figures say how often a pair of évaluateurs
(or a cohort) agree before reconciliation, never what a candidate gets.

Why three coefficients besides raw agreement: Cohen's κ corrects for chance
agreement but collapses when one value dominates (most critères acquired:
the "κ paradox"); Gwet's AC1 and PABAK (prevalence- and bias-adjusted κ) stay
meaningful there. Below 30 paired critères the coefficients are too unstable
to compare pairs, which the result says (``echantillon_suffisant``).

Written by hand (a few sums over a contingency table), without numpy.

Example (binary, 20 critères: 14 both A, 2 both NA, 3 A/NA, 1 NA/A):
    >>> paires = [("A", "A")] * 14 + [("NA", "NA")] * 2 + [("A", "NA")] * 3 + [("NA", "A")]
    >>> a = mesurer_accord(paires, categories=("A", "NA"))
    >>> round(a.accord_observe, 3), round(a.kappa, 3), round(a.pabak, 3), round(a.ac1, 3)
    (0.8, 0.385, 0.6, 0.706)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

SEUIL_ECHANTILLON = 30
"""Paired critères below which coefficients are reported with a caution."""


@dataclass(frozen=True, slots=True)
class Accord:
    """Agreement of two raters over paired critères.

    Attributes:
        paires: how many critères both rated.
        accord_observe: share of critères given the same value (p_o).
        kappa: Cohen's κ; None when undefined (both always chose one same value).
        ac1: Gwet's AC1.
        pabak: prevalence- and bias-adjusted κ, ``(q·p_o − 1) / (q − 1)``.
        echantillon_suffisant: at least SEUIL_ECHANTILLON paired critères.
    """

    paires: int
    accord_observe: float
    kappa: float | None
    ac1: float
    pabak: float
    echantillon_suffisant: bool


def mesurer_accord(paires: Sequence[tuple[str, str]], categories: Sequence[str]) -> Accord:
    """The agreement of two raters from their ``(value 1, value 2)`` pairs.

    Args:
        paires: one pair per critère rated by both.
        categories: the values a rater could choose (at least two), e.g.
            ``("A", "ECA", "NA")``; it sets ``q`` for AC1 and PABAK.

    Raises:
        ValueError: no pair, fewer than two categories, or a value outside them.
    """
    q = len(set(categories))
    if q < 2:
        raise ValueError("at least two categories are needed")
    if not paires:
        raise ValueError("no paired value")
    inconnues = {v for paire in paires for v in paire} - set(categories)
    if inconnues:
        raise ValueError(f"values outside the categories: {sorted(inconnues)}")

    n = len(paires)
    p_o = sum(a == b for a, b in paires) / n
    marges_1 = Counter(a for a, _ in paires)
    marges_2 = Counter(b for _, b in paires)

    p_e_kappa = sum(marges_1[k] * marges_2[k] for k in categories) / (n * n)
    kappa = None if p_e_kappa == 1 else (p_o - p_e_kappa) / (1 - p_e_kappa)

    # AC1: chance agreement from the mean prevalence π_k of each value over both raters.
    pi = {k: (marges_1[k] + marges_2[k]) / (2 * n) for k in categories}
    p_e_ac1 = sum(p * (1 - p) for p in pi.values()) / (q - 1)
    ac1 = (p_o - p_e_ac1) / (1 - p_e_ac1)

    pabak = (q * p_o - 1) / (q - 1)
    return Accord(n, p_o, kappa, ac1, pabak, n >= SEUIL_ECHANTILLON)


def mesurer_accord_groupe(
    series: Sequence[Sequence[tuple[str, str]]], categories: Sequence[str]
) -> Accord:
    """Pooled agreement of a pair of évaluateurs (or a cohort) over several candidates."""
    return mesurer_accord([paire for serie in series for paire in serie], categories)
