"""``cqp-bot referentiel`` as a user meets it: French help, answers, suggestions, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from referentiel import DEFAULT_FILE

CQP_BOT = Path(sys.executable).parent / "cqp-bot"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the CLI in-process; outputs with rich's line wrapping undone."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, " ".join(out.split()), " ".join(err.split())


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["referentiel", "--help"],
        ["referentiel", "search", "--help"],
        ["donnees", "--help"],
        ["candidats", "importer", "--help"],
        ["users", "add", "--help"],
    ],
)
def test_help_is_in_french(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    code, out, _ = _run(capsys, *args)
    assert code == 0
    assert out.startswith("Utilisation : cqp-bot")
    assert "Affiche cette aide et quitte." in out
    for anglais in ("Usage:", "Show this message", "Commands:", "[default", "[required]"):
        assert anglais not in out


def test_search_with_a_typo_shows_the_critere_with_its_context(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _run(capsys, "referentiel", "search", "agresivite")
    assert code == 0
    assert "1 résultat(s) pour « agresivite »" in out
    assert "B1.C6.2" in out
    assert "Il fait face à l'agressivité en restant maître de soi." in out
    assert "Bloc B1 · Assurer l'accueil des clients et des prospects › B1.C6" in out


def test_search_without_match_says_so_and_suggests_words(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _run(capsys, "referentiel", "chercher", "zccueul")
    assert code == 1
    assert "Aucun critère ni compétence ne correspond à « zccueul »." in out
    assert "Essayez : accueil" in out


def test_search_finds_a_competence_by_its_activite_and_says_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _run(capsys, "referentiel", "search", "fidelisation")
    assert code == 0
    assert "B1.C3" in out
    assert "Activité : Fidélisation" in out


def test_show_a_critere_gives_its_competence_rubrique_and_modalites(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _run(capsys, "referentiel", "show", "b1.c1.2")
    assert code == 0
    assert "Compétence B1.C1" in out
    assert "Rubrique : Le candidat établit des relations de qualité avec l'interlocuteur" in out
    assert "Modalités d'évaluation" in out
    assert "3 à 5" in out


def test_show_bloc_4_says_precisions_are_optional(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "referentiel", "show", "B4")
    assert code == 0
    assert "facultatives (« peuvent »)" in out
    assert "B4.C4.5" in out


def test_show_without_code_prints_the_whole_tree(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "referentiel", "show")
    assert code == 0
    for ident in ("B1", "B2", "B3", "B4", "B2.C5", "B4.C4"):
        assert ident in out


def test_an_unknown_code_is_refused_with_the_codes_that_exist(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _run(capsys, "referentiel", "show", "B2.C8")
    assert code == 1
    assert "Le code « B2.C8 » n'existe pas dans le référentiel." in out
    assert "B2.C1, B2.C2, B2.C3, B2.C4, B2.C5" in out


def test_an_unknown_command_is_answered_in_french_with_a_suggestion(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = _run(capsys, "referentiel", "serch", "accueil")
    assert code == 2
    assert "Erreur : la commande « serch » n'existe pas. Vouliez-vous dire : search ?" in err
    assert "Tapez « cqp-bot referentiel --help »" in err
    assert "Traceback" not in err


def test_a_missing_argument_is_answered_in_french(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "referentiel", "search")
    assert code == 2
    assert "Erreur : il manque l'argument « MOTS... »." in err


def test_export_holds_the_whole_referentiel_in_the_published_schema(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _run(capsys, "referentiel", "export", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert {"id", "titre", "public", "blocs"} <= data.keys()
    assert len(data["public"]) == 4
    criteres = [
        crit
        for bloc in data["blocs"]
        for act in bloc["activites"]
        for comp in act["competences"]
        for crit in comp["criteres"]
    ]
    assert len(criteres) == 79
    assert all(set(c) <= {"id", "libelle", "rubrique"} for c in criteres)
    # Every critère of blocs 2 and 4 sits under a heading, none of bloc 3, 16 of bloc 1.
    assert sum("rubrique" in c for c in criteres) == 16 + 16 + 0 + 18
    b1 = data["blocs"][0]
    assert set(b1) == {"id", "titre", "modalites", "activites"}
    assert b1["modalites"]["entretiens_min"] == 3
    assert b1["modalites"]["echelle"]["valeurs"][3]["code"] == "NO"
    assert set(b1["activites"][0]) == {"titre", "competences"}
    assert set(b1["activites"][0]["competences"][0]) == {"id", "libelle", "criteres"}


def test_export_to_a_file_and_refusal_of_an_unknown_format(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sortie = tmp_path / "referentiel.json"
    code, out, _ = _run(capsys, "referentiel", "export", "--sortie", str(sortie))
    assert code == 0 and "Référentiel exporté dans" in out
    assert json.loads(sortie.read_text(encoding="utf-8"))["titre"] == "CQP Téléconseiller"
    code, out, _ = _run(capsys, "referentiel", "export", "--format", "xml")
    assert code == 2
    assert "le format « xml » n'existe pas ; formats possibles : json." in out
    code, out, _ = _run(capsys, "referentiel", "export", "-o", str(tmp_path / "absent" / "r.json"))
    assert code == 2
    assert "impossible d'écrire" in out and "(fichier ou dossier introuvable)" in out


def test_a_broken_referentiel_file_stops_with_the_place_of_the_problem(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    casse = tmp_path / "casse.yaml"
    casse.write_text(
        DEFAULT_FILE.read_text(encoding="utf-8").replace("id: B2.C1.3", "id: B2.C1.7"),
        encoding="utf-8",
    )
    code, out, _ = _run(capsys, "referentiel", "--referentiel", str(casse), "show", "B1")
    assert code == 2
    assert "Le référentiel ne peut pas être chargé : 1 problème(s)" in out
    assert str(casse) in out.replace("\n", "")
    assert "identifiant attendu B2.C1.3, trouvé B2.C1.7" in out
    assert "Traceback" not in out


def test_the_interactive_lookup_answers_each_line_until_q() -> None:
    """The interactive lookup (cqp-bot referentiel): type codes or words, read answers, « q »."""
    saisie = "acceuil\nB1.C6.1\nle la\naide\nq\nB2\n"
    proc = subprocess.run(
        [str(CQP_BOT), "referentiel"],
        input=saisie,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = " ".join(proc.stdout.split())
    assert "79 critères, 18 compétences, 4 blocs" in out
    assert "3 résultat(s) pour « acceuil »" in out
    assert "(telles que l'assertivité)" in out
    assert "trop courants" in out
    assert "B1.C2 (une compétence)" in out
    assert out.endswith("À bientôt.")
    assert "Bloc B2 ·" not in out  # nothing is read after « q »


def test_the_interactive_lookup_ends_cleanly_at_end_of_input() -> None:
    proc = subprocess.run(
        [str(CQP_BOT), "referentiel"],
        input="",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0
    assert "À bientôt." in proc.stdout
