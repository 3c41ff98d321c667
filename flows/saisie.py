"""Typed lines while a flow waits for free text: a command, « annuler », or the text awaited.

While the scoring waits for a comment or précisions, or a proposal waits for
its justification, a typed line is run as a command only when its first word
is a command *and* the rest has the shape that command takes (:data:`FORMES`);
the flow keeps waiting, and the reply says what it still waits for. Anything
else is the text awaited. The shapes are narrow on purpose, so that a remark
that happens to start with a command's word stays a remark: « bloc B2 » and
« statut ev-C042-B1 » are commands, « statut ok » or « aide au client
insuffisante » are text. ``/cqp …`` is always a command.

:data:`ANNULER`, typed alone, drops what is awaited: nothing is stored.
"""

from __future__ import annotations

import re

from flows.messages import fold
from referentiel import CodeValeur

ANNULER = "annuler"
"""Typed alone while a text is awaited: the flow stops waiting for it, nothing is stored."""

_CODE = r"[Bb]\d+(?:\.[Cc]\d+(?:\.\d+)?)?"
"""A bloc, compétence or critère code: B1, B1.C2, B1.C2.3."""
_EVALUATION = r"(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9][A-Za-z0-9_-]{0,63}"
"""One word naming an evaluation (ev-C042-B1) or a candidate (C042): it holds a digit."""

FORMES: dict[str, re.Pattern[str]] = {
    nom: re.compile(forme, re.S)
    for nom, forme in {
        "aide": "",
        "accord": r"(?:[Bb]\d+)?",
        "mes-evaluations": "",
        "nouvelle": "",
        "creer-evaluations": r".*",
        "critere": _CODE,
        "bloc": r"[Bb]\d+",
        "entretien": _EVALUATION,
        "statut": _EVALUATION,
        "relancer": _EVALUATION,
        "resultat": _EVALUATION,
        "export": _EVALUATION,
        "rouvrir": _EVALUATION + r"\s+\S.*",
        "candidat": _EVALUATION,
        "tableau": r"(?:\S+=.*)?",
    }.items()
}
"""For each command, the shape of its arguments that makes a typed line that command even
while a text is awaited (nothing after a command that takes nothing)."""


def est_commande(ligne: str) -> bool:
    """Whether ``ligne`` is a command in its shape (then it is not the text awaited)."""
    mots = ligne.strip().split(maxsplit=1)
    if not mots:
        return False
    forme = FORMES.get(fold(mots[0]))
    return forme is not None and forme.fullmatch(mots[1] if len(mots) > 1 else "") is not None


def est_valeur(ligne: str) -> bool:
    """Whether ``ligne`` is a value code alone (A, ECA, NA, NO; any case, any spaces around)."""
    return ligne.strip().upper() in CodeValeur.__members__


def est_annulation(ligne: str) -> bool:
    """Whether ``ligne`` is « annuler » alone (any case, any spaces around)."""
    return fold(ligne.strip()) == ANNULER
