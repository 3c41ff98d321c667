"""``cqp-bot donnees``: check, export and purge from the command line, in French."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.cli import main
from storage import open_store
from tests.store_outils import evaluation, reponse


def _remplir(dossier: Path) -> None:
    async def remplir() -> None:
        store = await open_store(dossier)
        await store.creer(evaluation(1), par="u-coord")
        await store.creer(evaluation(1, reference="C777", nom="Autre Candidat"), par="u-coord")
        for i in range(4):
            await store.enregistrer(
                "ev-C042-1", reponse(i, commentaire="écoute active"), par="u-expert"
            )
        await store.fermer()

    asyncio.run(remplir())


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, " ".join((out + err).split())


def test_verifier_reads_every_file_and_counts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _remplir(tmp_path)
    code, out = _run(capsys, "donnees", "--dossier", str(tmp_path), "verifier")
    assert code == 0
    assert "2 évaluation(s), 4 réponse(s)" in out


def test_verifier_names_a_damaged_file_and_what_to_do(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _remplir(tmp_path)
    fichier = tmp_path / "candidats" / "C042" / "evaluations" / "ev-C042-1.json"
    fichier.write_bytes(fichier.read_bytes()[:100])
    code, out = _run(capsys, "donnees", "--dossier", str(tmp_path), "verifier")
    assert code == 2
    assert f"Le fichier de données {fichier} est inutilisable : le fichier est incomplet" in out
    assert "remettez une sauvegarde" in out
    assert "Traceback" not in out


def test_exporter_writes_the_candidates_data(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _remplir(tmp_path)
    sortie = tmp_path / "export.json"
    code, out = _run(
        capsys,
        "donnees",
        "--dossier",
        str(tmp_path),
        "exporter",
        "C042",
        "--par",
        "u-coord",
        "-o",
        str(sortie),
    )
    assert code == 0 and "exportées dans" in out
    export = json.loads(sortie.read_text(encoding="utf-8"))
    assert export["reference"] == "C042"
    assert [r["commentaire"] for r in export["dossiers"][0]["reponses"]] == ["écoute active"] * 4
    assert "Autre Candidat" not in sortie.read_text(encoding="utf-8")


def test_exporter_an_unknown_candidate_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _remplir(tmp_path)
    code, out = _run(
        capsys, "donnees", "--dossier", str(tmp_path), "exporter", "C999", "--par", "u-coord"
    )
    assert code == 1
    assert "Aucune évaluation pour le candidat de référence « C999 »." in out


def test_purger_asks_for_confirmation_then_erases(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _remplir(tmp_path)
    base = [
        "donnees",
        "--dossier",
        str(tmp_path),
        "purger",
        "C042",
        "--par",
        "u-admin",
        "--raison",
        "demande RGPD",
    ]
    code, out = _run(capsys, *base)
    assert code == 1 and "Relancez avec --oui" in out
    assert (tmp_path / "candidats" / "C042").exists()
    code, out = _run(capsys, *base, "--oui")
    assert code == 0 and "effacées (1 évaluation(s))" in out
    assert not (tmp_path / "candidats" / "C042").exists()
    code, out = _run(capsys, "donnees", "--dossier", str(tmp_path), "verifier")
    assert "1 évaluation(s), 0 réponse(s)" in out


def test_a_missing_option_is_answered_in_french(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out = _run(capsys, "donnees", "--dossier", str(tmp_path), "purger", "C042")
    assert code == 2
    assert "il manque l'option « --par »" in out
