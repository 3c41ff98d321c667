"""The data file says what the référentiel says: nothing missing, nothing added.

The seed (the PDF flattened to text, copied into tests/data) is a table whose
rows are tab-separated: activité, compétence, modalités, critères. Reading a
column top to bottom gives its text in document order, page-break splits
included. Compared through the normal form (no case, accents or punctuation),
the data's texts in document order must then spell exactly the seed's column:
that proves both directions at once — every line of the seed is in the data,
and the data holds nothing the seed does not — except the corrections the data
file lists, which are undone before comparing.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest

from referentiel import Referentiel, default
from referentiel.text import normal_form, strip_accents

SEED = Path(__file__).parent / "data" / "seed_referentiel.txt"
ACTIVITE, COMPETENCE, MODALITES, CRITERES = range(4)


def _colonne(numero: int) -> str:
    """Column ``numero`` of the seed's table, top to bottom, HTML tags removed."""
    texte = SEED.read_text(encoding="utf-8")
    cellules: list[str] = []
    for ligne in texte[texte.index("BLOC 1") :].splitlines():
        cells = ligne.split("\t")
        if len(cells) < 4 or re.fullmatch(r"-+", cells[0].strip()):
            continue  # not a table row, or a row separator
        if re.match(r"bloc \d", cells[0].strip(), re.IGNORECASE):
            continue  # a bloc's heading row
        cellules.append(re.sub(r"<[^>]+>", " ", cells[numero]))
    return "\n".join(cellules)


def _sans_corrections(ref: Referentiel, ident: str | None, texte: str) -> str:
    """``texte`` of element ``ident`` with the listed corrections undone.

    ``ident=None`` undoes every correction: a rubrique is shared by several
    critères and its correction is listed under the first of them.
    """
    for corr in ref.corrections:
        if ident is None or corr.id == ident:
            texte = texte.replace(corr.donnees, corr.seed)
    return texte


def _assert_meme_texte(donnees: str, seed: str) -> None:
    attendu, obtenu = normal_form(seed).split(), normal_form(donnees).split()
    if attendu != obtenu:
        diff = "\n".join(
            list(difflib.unified_diff(attendu, obtenu, "seed", "données", n=6, lineterm=""))[:60]
        )
        pytest.fail(f"the data differs from the seed:\n{diff}")


def test_criteres_and_rubriques_spell_the_seed_criteria_column() -> None:
    ref = default()
    morceaux: list[str] = []
    for comp in ref.competences():
        rubrique = None
        for crit in comp.criteres:
            if crit.rubrique and crit.rubrique != rubrique:
                morceaux.append(_sans_corrections(ref, None, crit.rubrique))
            rubrique = crit.rubrique
            morceaux.append(_sans_corrections(ref, crit.id, crit.libelle))
    _assert_meme_texte(" ".join(morceaux), _colonne(CRITERES))


def test_competences_spell_the_seed_competence_column() -> None:
    ref = default()
    _assert_meme_texte(" ".join(c.libelle for c in ref.competences()), _colonne(COMPETENCE))


def test_activites_spell_the_seed_activite_column() -> None:
    ref = default()
    titres = " ".join(a.titre for b in ref.blocs for a in b.activites)
    _assert_meme_texte(titres, _colonne(ACTIVITE))


def test_every_critere_is_one_contiguous_passage_of_the_seed() -> None:
    """A critère is one line of the seed, not words gathered from several places.

    Page-break splits are the exception that proves it: the two halves are
    contiguous once the column is read top to bottom.
    """
    ref = default()
    colonne = normal_form(_colonne(CRITERES))
    for crit in ref.criteres():
        assert normal_form(_sans_corrections(ref, crit.id, crit.libelle)) in colonne, crit.id


def test_rubriques_are_exactly_the_seed_lines_that_introduce_a_list() -> None:
    """A line ending with ':' is a heading, never a scored critère; each such line is a rubrique."""
    ref = default()
    brut = strip_accents(_colonne(CRITERES))
    titres_seed = {
        normal_form(t)
        for t in re.findall(r"(?:^|[>.)→\n]|\s{2})\s*([^>.→\n:]{8,}?)\s*:(?!\w)", brut)
    }
    # "(ex : ...)" inside a critère is an example, not a heading.
    titres_seed = {t for t in titres_seed if not t.endswith(" ex") and t != "ex"}
    rubriques = {
        normal_form(_sans_corrections(ref, None, c.rubrique)) for c in ref.criteres() if c.rubrique
    }
    assert rubriques == titres_seed
    for crit in ref.criteres():
        assert not crit.libelle.rstrip().endswith(":"), crit.id


def test_bloc_3_paragraphs_give_one_critere_per_sentence() -> None:
    ref = default()
    bloc = ref.bloc("B3")
    assert bloc is not None
    for crit in bloc.criteres:
        phrases = [p for p in re.split(r"(?<=[a-zé)])\.\s+(?=[A-ZÉ])", crit.libelle) if p]
        assert len(phrases) == 1, crit.id
        assert crit.libelle.endswith("."), crit.id


def test_every_listed_correction_is_a_real_difference_from_the_seed() -> None:
    """Each correction quotes the seed (its column read top to bottom) and changes it."""
    ref = default()
    colonne = re.sub(r"\s+", " ", _colonne(CRITERES))
    for corr in ref.corrections:
        assert corr.seed != corr.donnees, corr.id
        assert corr.seed in colonne, corr.id
        ctx = ref.contexte(corr.id)
        assert ctx is not None, corr.id
