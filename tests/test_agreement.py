"""Agreement figures between two évaluateurs, against worked examples."""

from __future__ import annotations

import pytest

from flows.agreement import SEUIL_ECHANTILLON, mesurer_accord, mesurer_accord_groupe

EXEMPLE = [("A", "A")] * 14 + [("NA", "NA")] * 2 + [("A", "NA")] * 3 + [("NA", "A")]


def test_the_worked_binary_example_of_20_criteres() -> None:
    accord = mesurer_accord(EXEMPLE, categories=("A", "NA"))
    assert accord.paires == 20
    assert accord.accord_observe == pytest.approx(0.80)
    assert accord.kappa == pytest.approx(0.385, abs=5e-4)
    assert accord.pabak == pytest.approx(0.60)
    assert accord.ac1 == pytest.approx(0.706, abs=5e-4)
    assert not accord.echantillon_suffisant


def test_perfect_agreement_gives_one_everywhere() -> None:
    paires = [("A", "A"), ("ECA", "ECA"), ("NA", "NA")] * 10
    accord = mesurer_accord(paires, categories=("A", "ECA", "NA"))
    assert (accord.accord_observe, accord.kappa, accord.ac1, accord.pabak) == (1.0, 1.0, 1.0, 1.0)
    assert accord.echantillon_suffisant


def test_kappa_paradox_high_agreement_on_one_value_keeps_ac1_high() -> None:
    """28 critères both A, one A/ECA, one ECA/A: κ collapses, AC1 and PABAK do not."""
    paires = [("A", "A")] * 28 + [("A", "ECA"), ("ECA", "A")]
    accord = mesurer_accord(paires, categories=("A", "ECA", "NA"))
    assert accord.accord_observe == pytest.approx(28 / 30)
    assert accord.kappa is not None and accord.kappa < 0
    assert accord.ac1 > 0.9
    assert accord.pabak == pytest.approx((3 * 28 / 30 - 1) / 2)


def test_kappa_is_undefined_when_both_always_choose_the_same_single_value() -> None:
    accord = mesurer_accord([("A", "A")] * 5, categories=("A", "NA"))
    assert accord.kappa is None
    assert accord.ac1 == pytest.approx(1.0)


def test_pooled_agreement_of_a_pair_over_candidates_reaches_the_sample_threshold() -> None:
    accord = mesurer_accord_groupe([EXEMPLE, EXEMPLE], categories=("A", "NA"))
    assert accord.paires == 40 >= SEUIL_ECHANTILLON
    assert accord.echantillon_suffisant
    assert accord.accord_observe == pytest.approx(0.80)


@pytest.mark.parametrize(
    ("paires", "categories", "raison"),
    [
        ([], ("A", "NA"), "no paired"),
        ([("A", "A")], ("A",), "two categories"),
        ([("A", "NO")], ("A", "NA"), "outside the categories"),
    ],
)
def test_bad_input_is_refused(
    paires: list[tuple[str, str]], categories: tuple[str, ...], raison: str
) -> None:
    with pytest.raises(ValueError, match=raison):
        mesurer_accord(paires, categories)
