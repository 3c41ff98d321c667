"""What an évaluateur and the bot rely on in the référentiel's data."""

from __future__ import annotations

from referentiel import Cadre, Canal, CodeValeur, RoleEvaluateur, default


def test_the_four_blocs_hold_the_competences_and_criteres_of_the_grids() -> None:
    ref = default()
    assert [len(b.competences) for b in ref.blocs] == [6, 5, 3, 4]
    assert [len(b.criteres) for b in ref.blocs] == [30, 16, 15, 18]
    assert ref.public == (
        "Conseiller relation client omnicanal",
        "Télévendeur",
        "Assistant conseil",
        "Conseiller téléphonique relation adhérents",
    )


def test_a_critere_that_continues_on_the_next_page_stays_in_its_competence() -> None:
    ref = default()
    crit = ref.critere("B1.C2.4")
    assert crit is not None
    assert crit.libelle.endswith(
        "de lutte contre la fraude, le blanchiment, le financement du terrorisme et la corruption."
    )
    comp = ref.competence("B1.C4")
    assert comp is not None
    assert [c.id for c in comp.criteres][-2:] == ["B1.C4.5", "B1.C4.6"]


def test_criteres_under_a_heading_carry_it_and_the_others_do_not() -> None:
    ref = default()
    premier, cinquieme = ref.critere("B1.C1.1"), ref.critere("B1.C1.5")
    assert premier is not None and cinquieme is not None
    assert premier.rubrique == "Le candidat établit des relations de qualité avec l'interlocuteur"
    assert cinquieme.rubrique is None


def test_modalites_of_blocs_1_to_3_require_precisions_and_bloc_4_allows_them() -> None:
    ref = default()
    assert [b.modalites.precisions_obligatoires for b in ref.blocs] == [True, True, True, False]


def test_modalites_give_the_number_of_entretiens_and_the_observation_window() -> None:
    b1, b2, b3, b4 = default().blocs
    assert (
        b1.modalites.entretiens_min,
        b1.modalites.entretiens_max,
        b1.modalites.duree_max_jours,
    ) == (3, 5, 7)
    assert (
        b2.modalites.entretiens_min,
        b2.modalites.entretiens_max,
        b2.modalites.duree_max_jours,
    ) == (3, 5, 7)
    assert (
        b3.modalites.entretiens_min,
        b3.modalites.entretiens_max,
        b3.modalites.duree_max_jours,
    ) == (3, 3, None)
    assert (b4.modalites.entretiens_min, b4.modalites.entretiens_max) == (3, 5)
    assert {b.modalites.entretien_complementaire_minutes for b in (b1, b2, b3, b4)} == {15}
    assert b1.modalites.cadres == (Cadre.SITUATION_REELLE,)
    assert b3.modalites.cadres == (Cadre.SITUATION_RECONSTITUEE,)
    assert set(b1.modalites.canaux) == {Canal.TELEPHONE, Canal.FACE_A_FACE, Canal.TCHAT, Canal.MAIL}
    assert b1.modalites.situation_difficile_simulee and not b3.modalites.situation_difficile_simulee


def test_an_expert_habilite_with_an_expert_interne_is_an_allowed_pair_two_internes_are_not() -> (
    None
):
    evaluateurs = default().blocs[0].modalites.evaluateurs
    assert evaluateurs.autorise(RoleEvaluateur.EXPERT_INTERNE, RoleEvaluateur.EXPERT_HABILITE)
    assert evaluateurs.autorise(
        RoleEvaluateur.EXPERT_HABILITE, RoleEvaluateur.RESPONSABLE_PEDAGOGIQUE
    )
    assert not evaluateurs.autorise(RoleEvaluateur.EXPERT_INTERNE, RoleEvaluateur.EXPERT_INTERNE)
    assert not evaluateurs.autorise(RoleEvaluateur.EXPERT_HABILITE, RoleEvaluateur.EXPERT_HABILITE)


def test_the_scale_says_which_values_are_observed_acquired_and_call_for_a_comment() -> None:
    echelle = default().blocs[1].modalites.echelle
    assert [v.code for v in echelle.valeurs] == [
        CodeValeur.A,
        CodeValeur.ECA,
        CodeValeur.NA,
        CodeValeur.NO,
    ]
    assert [v.code for v in echelle.valeurs if v.acquis] == [CodeValeur.A]
    assert [v.code for v in echelle.valeurs if not v.observe] == [CodeValeur.NO]
    assert {v.code for v in echelle.valeurs if v.commentaire_suggere} == {
        CodeValeur.ECA,
        CodeValeur.NA,
    }
    assert echelle.valeur("NO").libelle == "Non observé"
    assert echelle.regle_validation.code == "tous_criteres_acquis"


def test_lookups_by_id_ignore_case_and_know_what_kind_of_element_they_return() -> None:
    ref = default()
    assert ref.bloc("b2") is ref.blocs[1]
    assert ref.competence("b2.c1") is ref.blocs[1].competences[0]
    assert ref.bloc("B2.C1") is None and ref.competence("B2") is None
    crit = ref.critere(" b3.c3.3 ")
    assert crit is not None and crit.libelle.startswith("Il connaît et utilise")
    assert ref.critere("B9.C1.1") is None
