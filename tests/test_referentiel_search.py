"""Looking a critère up the way people type: codes, words without accents, typos."""

from __future__ import annotations

import pytest

from referentiel import Recherche, default, segments


@pytest.fixture(scope="module")
def recherche() -> Recherche:
    return Recherche(default())


def _ids(recherche: Recherche, requete: str, limite: int = 10) -> list[str]:
    return [r.element.id for r in recherche.rechercher(requete, limite=limite)]


@pytest.mark.parametrize(
    ("requete", "attendus"),
    [
        ("acceuil", {"B1.C1.1", "B1.C1.7"}),  # swapped letters
        ("procedures d'acceuil", {"B1.C1.7"}),
        ("reclamation", {"B3.C1.1", "B3.C1.2", "B3.C1.4"}),  # no accent
        ("agressivite", {"B1.C6.2"}),
        ("agresivité", {"B1.C6.2"}),  # missing letter
        ("ASSERTIVITÉ", {"B1.C6.1"}),
        ("dysfonctionement", {"B2.C2.1"}),
        ("tracabilite du conseil", {"B1.C4.6"}),
        ("blanchiment", {"B1.C2.4"}),
        ("mouvement mutualiste", {"B1.C5.1"}),
    ],
)
def test_words_find_the_critere_whatever_the_accents_case_and_typos(
    recherche: Recherche, requete: str, attendus: set[str]
) -> None:
    assert attendus <= set(_ids(recherche, requete, limite=5))


def test_the_critere_matching_every_word_ranks_first(recherche: Recherche) -> None:
    assert _ids(recherche, "relation de confiance")[0] == "B1.C1.4"
    assert _ids(recherche, "donnees personnelles")[0] == "B1.C2.4"
    assert _ids(recherche, "priorisation urgence")[0] == "B4.C1.2"


def test_an_exact_word_ranks_before_a_typo_of_another(recherche: Recherche) -> None:
    resultats = recherche.rechercher("reclamation", limite=20)
    pertinences = [r.pertinence for r in resultats]
    assert pertinences == sorted(pertinences, reverse=True)
    assert resultats[0].pertinence == 1.0


def test_a_word_that_only_looks_alike_is_not_a_match(recherche: Recherche) -> None:
    """« relation » is not a typo of « réclamations »: the critères of bloc 3 stay out."""
    for res in recherche.rechercher("relation", limite=50):
        assert "reclamations" not in res.mots


def test_a_result_says_which_words_matched_for_highlighting(recherche: Recherche) -> None:
    res = recherche.rechercher("acceuil procedures", limite=1)[0]
    assert res.element.id == "B1.C1.7"
    assert res.mots == {"accueil", "procedures"}
    surligne = [f for f, trouve in segments(res.element.libelle, res.mots) if trouve]
    assert surligne == ["procédures", "accueil"]
    assert "".join(f for f, _ in segments(res.element.libelle, res.mots)) == res.element.libelle


def test_a_code_finds_the_element_and_what_it_contains(recherche: Recherche) -> None:
    assert _ids(recherche, "b1.c2.3") == ["B1.C2.3"]
    assert _ids(recherche, "B1.C2") == ["B1.C2", "B1.C2.1", "B1.C2.2", "B1.C2.3", "B1.C2.4"]
    assert _ids(recherche, "B3", limite=0) == []
    assert _ids(recherche, "B3", limite=100)[:2] == ["B3", "B3.C1"]


def test_a_code_prefix_lists_what_starts_with_it(recherche: Recherche) -> None:
    ids = _ids(recherche, "B1.C", limite=100)
    assert ids[0] == "B1.C1"
    assert all(i.startswith("B1.C") for i in ids)
    assert len(ids) == 6 + 30


def test_b1_c1_does_not_find_b1_c10_style_neighbours(recherche: Recherche) -> None:
    assert all(i == "B1.C1" or i.startswith("B1.C1.") for i in _ids(recherche, "B1.C1", limite=100))


def test_an_unknown_code_finds_nothing_and_suggests_its_neighbours(recherche: Recherche) -> None:
    assert recherche.rechercher("B1.C9") == []
    assert recherche.identifiants_proches("B1.C9") == [f"B1.C{i}" for i in range(1, 7)]
    assert recherche.identifiants_proches("B7") == ["B1", "B2", "B3", "B4"]
    assert recherche.identifiants_proches("B3.C2.8") == ["B3.C2.1", "B3.C2.2", "B3.C2.3", "B3.C2.4"]


def test_words_that_match_nothing_find_nothing_but_get_suggestions(recherche: Recherche) -> None:
    assert recherche.rechercher("xyzzy") == []
    assert "accueil" in recherche.mots_proches("acueillir")


def test_only_common_words_search_nothing(recherche: Recherche) -> None:
    assert recherche.rechercher("le la des") == []
    assert recherche.mots_significatifs("le la des") == []


def test_a_prefix_finds_the_longer_words(recherche: Recherche) -> None:
    res = recherche.rechercher("reclam", limite=3)
    assert res
    assert all(any(m.startswith("reclam") for m in r.mots) for r in res)
