"""A broken data file stops at load with a message that says which file, where, and what.

Each test breaks a copy of the real file the way a person editing it could,
then checks the structured problem (path, line, code) and its French wording.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import catalogue
from referentiel import DEFAULT_FILE, InvalidReferentiel, Problem, load

ORIGINAL = DEFAULT_FILE.read_text(encoding="utf-8")


def _copie_modifiee(tmp_path: Path, avant: str, apres: str, count: int = 1) -> Path:
    assert avant in ORIGINAL, f"the test's anchor is not in the data file: {avant!r}"
    fichier = tmp_path / "referentiel_casse.yaml"
    fichier.write_text(ORIGINAL.replace(avant, apres, count), encoding="utf-8")
    return fichier


def _probleme(fichier: Path) -> Problem:
    with pytest.raises(InvalidReferentiel) as info:
        load(fichier)
    assert info.value.file == fichier
    return info.value.problems[0]


def _ligne_de(fichier: Path, fragment: str) -> int:
    lignes = fichier.read_text(encoding="utf-8").splitlines()
    return next(i for i, ligne in enumerate(lignes, start=1) if fragment in ligne)


def _en_francais(fichier: Path, p: Problem) -> str:
    return catalogue.probleme_referentiel(str(fichier), p.readable_path, p.code, p.details, p.line)


def test_the_shipped_file_loads() -> None:
    ref = load()
    assert [b.id for b in ref.blocs] == ["B1", "B2", "B3", "B4"]


def test_an_empty_critere_text_is_refused_with_its_path_and_line(tmp_path: Path) -> None:
    fichier = _copie_modifiee(
        tmp_path,
        "libelle: Le candidat apporte un premier niveau d'information.",
        'libelle: "  "',
    )
    p = _probleme(fichier)
    assert p.code == "string_too_short"
    assert p.readable_path == "blocs[0].activites[0].competences[1].criteres[1].libelle"
    assert p.line == _ligne_de(fichier, 'libelle: "  "')
    message = _en_francais(fichier, p)
    assert str(fichier) in message
    assert f"ligne {p.line}" in message
    assert "criteres[1].libelle" in message
    assert "le texte est vide" in message


def test_a_duplicate_critere_id_is_refused(tmp_path: Path) -> None:
    fichier = _copie_modifiee(tmp_path, "id: B1.C2.3", "id: B1.C2.2")
    p = _probleme(fichier)
    assert p.code == "id_double"
    assert p.details == {"id": "B1.C2.2"}
    assert p.line == _ligne_de(fichier, "id: B1.C2.2") + _decalage_second(fichier, "id: B1.C2.2")
    assert "B1.C2.2 est déjà utilisé" in _en_francais(fichier, p)


def _decalage_second(fichier: Path, fragment: str) -> int:
    """Lines between the first and the second occurrence of ``fragment``."""
    lignes = [i for i, ligne in enumerate(fichier.read_text().splitlines(), 1) if fragment in ligne]
    return lignes[1] - lignes[0]


def test_a_gap_in_the_numbering_is_refused(tmp_path: Path) -> None:
    fichier = _copie_modifiee(tmp_path, "id: B4.C3.4", "id: B4.C3.5")
    p = _probleme(fichier)
    assert p.code == "id_numerotation"
    assert p.details == {"attendu": "B4.C3.4", "trouve": "B4.C3.5"}
    assert "identifiant attendu B4.C3.4, trouvé B4.C3.5" in _en_francais(fichier, p)


def test_a_competence_out_of_document_order_is_refused(tmp_path: Path) -> None:
    fichier = _copie_modifiee(tmp_path, "id: B2.C3\n", "id: B2.C4\n")
    p = _probleme(fichier)
    assert p.code == "id_double" or p.details.get("attendu") == "B2.C3"


def test_a_bloc_without_modalites_is_refused(tmp_path: Path) -> None:
    debut = ORIGINAL.index("  - id: B3\n")
    modalites = ORIGINAL.index("    modalites:", debut)
    activites = ORIGINAL.index("    activites:", debut)
    fichier = tmp_path / "sans_modalites.yaml"
    fichier.write_text(ORIGINAL[:modalites] + ORIGINAL[activites:], encoding="utf-8")
    p = _probleme(fichier)
    assert (p.path, p.code) == (("blocs", 2, "modalites"), "missing")
    assert "champ obligatoire manquant" in _en_francais(fichier, p)


def test_an_unknown_key_is_refused_as_a_probable_typo(tmp_path: Path) -> None:
    fichier = _copie_modifiee(tmp_path, "      entretiens_max: 5\n", "      entretien_max: 5\n")
    with pytest.raises(InvalidReferentiel) as info:
        load(fichier)
    codes = {(p.path[-1], p.code) for p in info.value.problems}
    assert ("entretien_max", "extra_forbidden") in codes
    assert ("entretiens_max", "missing") in codes


def test_an_unquoted_no_read_by_yaml_as_false_is_caught(tmp_path: Path) -> None:
    fichier = _copie_modifiee(tmp_path, '- code: "NO"', "- code: NO")
    p = _probleme(fichier)
    assert p.path == ("echelle", "valeurs", 3, "code")
    assert p.code == "enum"
    assert "valeurs possibles" in _en_francais(fichier, p)


def test_more_entretiens_min_than_max_is_refused(tmp_path: Path) -> None:
    fichier = _copie_modifiee(
        tmp_path,
        "      entretiens_min: 3\n      entretiens_max: 3\n",
        "      entretiens_min: 4\n      entretiens_max: 3\n",
    )
    p = _probleme(fichier)
    assert p.code == "entretiens_min_max"
    assert p.path == ("blocs", 2, "modalites")


def test_a_correction_that_points_nowhere_is_refused(tmp_path: Path) -> None:
    fichier = _copie_modifiee(tmp_path, "  - id: B4.C3.4\n    seed:", "  - id: B4.C3.9\n    seed:")
    p = _probleme(fichier)
    assert p.code == "correction_id_inconnu"
    assert p.path[0] == "corrections"


def test_a_yaml_syntax_error_gives_its_line(tmp_path: Path) -> None:
    fichier = _copie_modifiee(
        tmp_path, "titre: CQP Téléconseiller\n", "titre: [CQP Téléconseiller\n"
    )
    p = _probleme(fichier)
    assert p.code == "yaml_syntaxe"
    assert p.line is not None
    assert "syntaxe YAML incorrecte" in _en_francais(fichier, p)


@pytest.mark.parametrize(
    ("contenu", "code"),
    [
        (b"", "document_vide"),
        (b"- B1\n- B2\n", "racine_pas_dictionnaire"),
        ("titre: Téléconseiller\n".encode("latin-1"), "encodage"),
    ],
)
def test_files_that_are_not_a_referentiel_at_all(tmp_path: Path, contenu: bytes, code: str) -> None:
    fichier = tmp_path / "autre.yaml"
    fichier.write_bytes(contenu)
    assert _probleme(fichier).code == code


def test_a_missing_file_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    p = _probleme(tmp_path / "absent.yaml")
    assert p.code == "fichier_illisible"
    assert "impossible de lire le fichier" in _en_francais(tmp_path / "absent.yaml", p)


def test_every_problem_code_the_loader_can_raise_has_a_french_wording() -> None:
    codes = {
        "fichier_illisible", "encodage", "yaml_syntaxe", "document_vide", "racine_pas_dictionnaire",
        "id_double", "id_numerotation", "correction_id_inconnu", "correction_absente",
        "echelle_incomplete", "entretiens_min_max",
    }  # fmt: skip
    assert codes <= catalogue.PROBLEMES_REFERENTIEL.keys()
