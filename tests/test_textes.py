"""Every French text cqp-bot shows lives in flows/catalogue/, none in the code around it.

The check reads the string literals of each module of ``flows/``, ``storage/`` and
``bot/`` (docstrings aside: they are English, with the domain's French words): a literal with an
accented letter, or a phrase with common French words, is a fragment of the
interface that belongs in the catalogue. Typography (« — · › • … ») is not
language and may stay.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parents[1]
CATALOGUE = RACINE / "flows" / "catalogue"
MOTS_FRANCAIS = frozenset(
    (
        "le la les des du de un une et ou pour sur avec dans est sont pas ne au aux "
        "vous votre vos nous il elle critere criteres evaluation evaluations"
    ).split()
)


def _docstrings(arbre: ast.AST) -> set[int]:
    """Ids of the literal nodes that are docstrings (a module's, a class's, an attribute's)."""
    return {
        id(noeud.value)
        for noeud in ast.walk(arbre)
        if isinstance(noeud, ast.Expr) and isinstance(noeud.value, ast.Constant)
    }


def fragments_francais(source: str) -> list[tuple[int, str]]:
    """The string literals of ``source`` that look like French text: (line, literal)."""
    arbre = ast.parse(source)
    docstrings = _docstrings(arbre)
    out = []
    for noeud in ast.walk(arbre):
        if not isinstance(noeud, ast.Constant) or not isinstance(noeud.value, str):
            continue
        if id(noeud) in docstrings:
            continue
        texte = noeud.value
        accent = any(not c.isascii() and unicodedata.category(c).startswith("L") for c in texte)
        mots = set(re.findall(r"[a-z]+", texte.lower()))
        if accent or (" " in texte.strip() and mots & MOTS_FRANCAIS):
            out.append((noeud.lineno, texte))
    return out


@pytest.mark.parametrize(
    "source",
    [
        'X = "Précisez le bloc"\n',
        'def f(n):\n    return f"{n} à {n + 1}"\n',
        'say("un code ou des mots")\n',
        'ERREUR = "critere inconnu dans le bloc"\n',
    ],
)
def test_the_check_finds_a_french_fragment(source: str) -> None:
    assert fragments_francais(source) != []


def test_the_check_leaves_code_strings_and_docstrings_alone() -> None:
    source = (
        '"""Scoring: the évaluateur goes through the critères."""\n'
        'PREFIX = "v"\n'
        'def f():\n    """The précisions of a compétence."""\n'
        '    raise ValueError("at least two categories are needed")\n'
        'LIGNE = "\\n".join(["•", "—", "…"])\n'
    )
    assert fragments_francais(source) == []


@pytest.mark.parametrize(
    "module",
    sorted(
        str(p.relative_to(RACINE))
        for paquet in ("flows", "storage", "bot")
        for p in (RACINE / paquet).rglob("*.py")
        if CATALOGUE not in p.parents
    ),
)
def test_no_french_text_outside_the_catalogue(module: str) -> None:
    assert fragments_francais((RACINE / module).read_text(encoding="utf-8")) == []
