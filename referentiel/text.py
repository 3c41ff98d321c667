"""Text normalisation shared by the lookup and the fidelity checks.

People type without accents, in any case, with typos; the PDF extraction adds
odd spacing and ligatures. Comparing through one normal form (lower case, no
accents, « œ » spelt « oe », words of letters and digits) makes all of these
meet.
"""

from __future__ import annotations

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "’": "'"})
_MOT = re.compile(r"[a-z0-9]+")


def strip_accents(texte: str) -> str:
    """``texte`` in lower case, without accents or ligatures, spacing untouched."""
    decomposed = unicodedata.normalize("NFKD", texte.translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(texte: str) -> list[str]:
    """The words of ``texte`` in normal form: ``"L'Étendue"`` → ``["l", "etendue"]``."""
    return _MOT.findall(strip_accents(texte))


def normal_form(texte: str) -> str:
    """One comparable string: normal-form words joined by single spaces."""
    return " ".join(words(texte))


def words_with_positions(texte: str) -> list[tuple[str, int, int]]:
    """Each word of ``texte`` in normal form, with its start and end in ``texte``.

    Used to highlight matched words in the original text: normalisation may not
    keep offsets (``œ`` becomes two letters), so words are found in the original
    and normalised one by one.
    """
    out: list[tuple[str, int, int]] = []
    for match in re.finditer(r"[^\W_]+", texte):
        for mot in words(match.group()):
            out.append((mot, match.start(), match.end()))
    return out
