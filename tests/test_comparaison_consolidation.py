"""Comparing two submitted grids, the complementary interview's agenda, and the proposal."""

from __future__ import annotations

import pytest

from flows.comparaison import Ecart, GrilleIncomplete, agenda, comparer, ecart
from flows.consolidation import Proposition, consolider, proposition, proposition_cqp
from flows.evaluation import Accord, Dossier, Reponse
from referentiel import CodeValeur, default
from tests.store_outils import T0, evaluation

A, ECA, NA, NO = CodeValeur.A, CodeValeur.ECA, CodeValeur.NA, CodeValeur.NO
BLOC_1 = default().blocs[0]
EXPERT, INTERNE = "u-expert", "u-interne"

# Where the two grids of bloc 1 differ (everything else: both A).
DIFFERENCES = {
    "B1.C1.2": (A, ECA),  # critical
    "B1.C2.4": (NA, A),  # critical
    "B1.C3.1": (ECA, NA),  # minor
    "B1.C4.3": (NO, A),  # coverage gap
    "B1.C4.4": (A, NO),  # coverage gap
    "B1.C6.5": (NO, NO),  # nobody observed
}


def _dossier(
    differences: dict[str, tuple[CodeValeur, CodeValeur]], accords: tuple[Accord, ...] = ()
) -> Dossier:
    reponses = []
    for critere in BLOC_1.criteres:
        v1, v2 = differences.get(critere.id, (A, A))
        reponses.append(Reponse(critere=critere.id, evaluateur=EXPERT, valeur=v1, horodatage=T0))
        reponses.append(Reponse(critere=critere.id, evaluateur=INTERNE, valeur=v2, horodatage=T0))
    return Dossier(evaluation=evaluation(), reponses=tuple(reponses), accords=accords)


def _accord(critere: str, valeur: CodeValeur) -> Accord:
    return Accord(
        critere=critere, valeur=valeur, propose_par=EXPERT, accepte_par=INTERNE,
        justification="revu ensemble après l'entretien complémentaire", horodatage=T0,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("v1", "v2", "attendu"),
    [
        (A, A, Ecart.CONCORDANT),
        (A, ECA, Ecart.CRITIQUE),
        (NA, A, Ecart.CRITIQUE),
        (ECA, NA, Ecart.MINEUR),
        (NO, ECA, Ecart.COUVERTURE),
        (A, NO, Ecart.COUVERTURE),
        (NO, NO, Ecart.NON_OBSERVE),
    ],
)
def test_each_kind_of_gap_between_two_values(
    v1: CodeValeur, v2: CodeValeur, attendu: Ecart
) -> None:
    assert ecart(v1, v2) is attendu


def test_the_comparison_flags_every_disagreement_and_only_those() -> None:
    comparaison = comparer(_dossier(DIFFERENCES), BLOC_1)
    assert len(comparaison.lignes) == 30
    assert {ligne.critere for ligne in comparaison.desaccords} == set(DIFFERENCES)
    assert [ligne.critere for ligne in comparaison.par_ecart(Ecart.CRITIQUE)] == [
        "B1.C1.2",
        "B1.C2.4",
    ]
    assert [ligne.critere for ligne in comparaison.par_ecart(Ecart.MINEUR)] == ["B1.C3.1"]
    assert comparaison.accord_observe == pytest.approx(25 / 30)
    accord = comparaison.accord()
    assert accord is not None and accord.paires == 27 and not accord.echantillon_suffisant


def test_grids_with_a_missing_value_cannot_be_compared() -> None:
    dossier = _dossier({})
    incomplet = dossier.model_copy(update={"reponses": dossier.reponses[:-1]})
    with pytest.raises(GrilleIncomplete) as info:
        comparer(incomplet, BLOC_1)
    assert info.value.evaluateur == INTERNE and info.value.criteres == (BLOC_1.criteres[-1].id,)


def test_the_agenda_lists_what_was_not_observed_by_competence() -> None:
    points = agenda(comparer(_dossier(DIFFERENCES), BLOC_1), BLOC_1)
    assert [(p.competence.id, p.couverture, p.non_observes) for p in points] == [
        ("B1.C4", ("B1.C4.3", "B1.C4.4"), ()),
        ("B1.C6", (), ("B1.C6.5",)),
    ]


def test_every_disagreement_agreed_as_acquired_gives_a_validated_bloc() -> None:
    differences = {k: v for k, v in DIFFERENCES.items() if k != "B1.C6.5"}
    accords = tuple(_accord(c, A) for c in differences)
    dossier = _dossier(differences, accords)
    consolidation = consolider(comparer(dossier, BLOC_1), dossier, BLOC_1)
    assert consolidation.proposition is Proposition.VALIDE
    assert set(consolidation.competences.values()) == {Proposition.VALIDE}


def test_a_disagreement_left_open_goes_to_the_jury_whatever_else() -> None:
    accords = (_accord("B1.C1.2", A), _accord("B1.C2.4", NA), _accord("B1.C3.1", ECA))
    dossier = _dossier(DIFFERENCES, accords)
    consolidation = consolider(comparer(dossier, BLOC_1), dossier, BLOC_1)
    assert consolidation.desaccords_persistants == ("B1.C4.3", "B1.C4.4")
    assert consolidation.competences == {
        "B1.C1": Proposition.VALIDE,
        "B1.C2": Proposition.NON_VALIDE,  # agreed NA
        "B1.C3": Proposition.NON_VALIDE,  # agreed ECA
        "B1.C4": Proposition.A_ARBITRER,
        "B1.C5": Proposition.VALIDE,
        "B1.C6": Proposition.A_COMPLETER,  # both NO: observed by nobody
    }
    assert consolidation.proposition is Proposition.A_ARBITRER


def test_never_averaged_or_taken_from_one_evaluateur() -> None:
    """Without an agreement, a critical gap stays open: neither A nor the lower value wins."""
    dossier = _dossier({"B1.C1.2": (A, NA)})
    consolidation = consolider(comparer(dossier, BLOC_1), dossier, BLOC_1)
    assert consolidation.valeurs["B1.C1.2"] is None


@pytest.mark.parametrize(
    ("valeurs", "attendu"),
    [
        ([A, A], Proposition.VALIDE),
        ([A, NO], Proposition.A_COMPLETER),
        ([NO, NA], Proposition.NON_VALIDE),
        ([NA, None], Proposition.A_ARBITRER),
    ],
)
def test_the_order_of_the_rule(valeurs: list[CodeValeur | None], attendu: Proposition) -> None:
    assert proposition(valeurs) is attendu


def test_the_cqp_is_proposed_only_with_all_four_blocs_validated() -> None:
    blocs = ["B1", "B2", "B3", "B4"]
    tous = dict.fromkeys(blocs, Proposition.VALIDE)
    assert proposition_cqp(tous, blocs)
    assert not proposition_cqp({**tous, "B3": Proposition.A_COMPLETER}, blocs)
    assert not proposition_cqp({"B1": Proposition.VALIDE}, blocs)
