"""The layer rule holds: referentiel ← flows ← storage ← bot, the domain imports no transport,
and the bot uses only the store's public entry points.

The contracts live in pyproject.toml ([tool.importlinter]); this test runs
them on the real tree, and on a copy with a forbidden import to prove that
they would catch one.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parents[1]
PAQUETS = ("referentiel", "flows", "storage", "bot")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_import_contracts_hold() -> None:
    proc = _lint_imports(RACINE)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "3 kept, 0 broken" in proc.stdout


@pytest.mark.parametrize(
    ("fichier", "ligne"),
    [
        ("flows/transport.py", "import aiohttp\n"),
        ("referentiel/base.py", "import tinydb\n"),
        ("flows/couche.py", "import storage\n"),
        ("referentiel/couche.py", "from bot import cli\n"),
        ("bot/interne.py", "from storage.database import Database\n"),
    ],
)
def test_a_forbidden_import_would_break_the_contracts(
    tmp_path: Path, fichier: str, ligne: str
) -> None:
    for paquet in PAQUETS:
        shutil.copytree(
            RACINE / paquet, tmp_path / paquet, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(RACINE / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / fichier).write_text(ligne, encoding="utf-8")
    proc = _lint_imports(tmp_path)
    assert proc.returncode != 0
    assert "BROKEN" in proc.stdout


@pytest.mark.parametrize("paquet", PAQUETS)
def test_each_top_level_package_says_its_role(paquet: str) -> None:
    module = ast.parse((RACINE / paquet / "__init__.py").read_text(encoding="utf-8"))
    docstring = ast.get_docstring(module)
    assert docstring is not None and len(docstring) > 80


def test_identifiers_are_ascii() -> None:
    """Accents live in data and user-facing text, never in names (STYLE.md)."""
    fautifs = []
    for chemin in sorted(RACINE.glob("*/**/*.py")):
        if ".venv" in chemin.parts:
            continue
        for noeud in ast.walk(ast.parse(chemin.read_text(encoding="utf-8"))):
            nom = (
                getattr(noeud, "name", None)
                or getattr(noeud, "id", None)
                or getattr(noeud, "arg", None)
            )
            if isinstance(nom, str) and not nom.isascii():
                fautifs.append(f"{chemin.relative_to(RACINE)}:{noeud.lineno} {nom}")  # type: ignore[attr-defined]
    assert fautifs == []
