"""Looking a critère up the way people type: codes, words without accents, typos."""

from __future__ import annotations

import pytest

from referentiel import SearchIndex, default, segments


@pytest.fixture(scope="module")
def recherche() -> SearchIndex:
    return SearchIndex(default())


def _ids(recherche: SearchIndex, requete: str, limite: int = 10) -> list[str]:
    return [r.element.id for r in recherche.search(requete, limite=limite)]


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
    recherche: SearchIndex, requete: str, attendus: set[str]
) -> None:
    assert attendus <= set(_ids(recherche, requete, limite=5))


def test_the_critere_matching_every_word_ranks_first(recherche: SearchIndex) -> None:
    assert _ids(recherche, "relation de confiance")[0] == "B1.C1.4"
    assert _ids(recherche, "donnees personnelles")[0] == "B1.C2.4"
    assert _ids(recherche, "priorisation urgence")[0] == "B4.C1.2"


def test_an_exact_word_ranks_before_a_typo_of_another(recherche: SearchIndex) -> None:
    resultats = recherche.search("reclamation", limite=20)
    pertinences = [r.relevance for r in resultats]
    assert pertinences == sorted(pertinences, reverse=True)
    assert resultats[0].relevance == 1.0


def test_a_word_that_only_looks_alike_is_not_a_match(recherche: SearchIndex) -> None:
    """« relation » is not a typo of « réclamations »: the critères of bloc 3 stay out."""
    for res in recherche.search("relation", limite=50):
        assert "reclamations" not in res.matched


def test_a_result_says_which_words_matched_for_highlighting(recherche: SearchIndex) -> None:
    res = recherche.search("acceuil procedures", limite=1)[0]
    assert res.element.id == "B1.C1.7"
    assert res.matched == {"accueil", "procedures"}
    surligne = [f for f, trouve in segments(res.element.libelle, res.matched) if trouve]
    assert surligne == ["procédures", "accueil"]
    assert "".join(f for f, _ in segments(res.element.libelle, res.matched)) == res.element.libelle


def test_a_code_finds_the_element_and_what_it_contains(recherche: SearchIndex) -> None:
    assert _ids(recherche, "b1.c2.3") == ["B1.C2.3"]
    assert _ids(recherche, "B1.C2") == ["B1.C2", "B1.C2.1", "B1.C2.2", "B1.C2.3", "B1.C2.4"]
    assert _ids(recherche, "B3", limite=0) == []
    assert _ids(recherche, "B3", limite=100)[:2] == ["B3", "B3.C1"]


def test_a_code_prefix_lists_what_starts_with_it(recherche: SearchIndex) -> None:
    ids = _ids(recherche, "B1.C", limite=100)
    assert ids[0] == "B1.C1"
    assert all(i.startswith("B1.C") for i in ids)
    assert len(ids) == 6 + 30


def test_b1_c1_does_not_find_b1_c10_style_neighbours(recherche: SearchIndex) -> None:
    assert all(i == "B1.C1" or i.startswith("B1.C1.") for i in _ids(recherche, "B1.C1", limite=100))


def test_an_unknown_code_finds_nothing_and_suggests_its_neighbours(recherche: SearchIndex) -> None:
    assert recherche.search("B1.C9") == []
    assert recherche.nearby_ids("B1.C9") == [f"B1.C{i}" for i in range(1, 7)]
    assert recherche.nearby_ids("B7") == ["B1", "B2", "B3", "B4"]
    assert recherche.nearby_ids("B3.C2.8") == ["B3.C2.1", "B3.C2.2", "B3.C2.3", "B3.C2.4"]


def test_words_that_match_nothing_find_nothing_but_get_suggestions(recherche: SearchIndex) -> None:
    assert recherche.search("xyzzy") == []
    assert "accueil" in recherche.close_words("acueillir")


def test_only_common_words_search_nothing(recherche: SearchIndex) -> None:
    assert recherche.search("le la des") == []
    assert recherche.meaningful_words("le la des") == []


def test_a_prefix_finds_the_longer_words(recherche: SearchIndex) -> None:
    res = recherche.search("reclam", limite=3)
    assert res
    assert all(any(m.startswith("reclam") for m in r.matched) for r in res)
