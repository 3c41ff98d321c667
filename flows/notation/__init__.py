"""Scoring: an évaluateur goes through the critères of a bloc, one card per compétence.

The conversation is a *cursor over the bloc's list of critères* (not one
state per question) plus what it is waiting for: a value, an optional
comment (prompted after ECA or NA), the précisions remark after the last
critère of a compétence (mandatory where the bloc's modalités say so), the
review, or nothing (the grid is submitted and locked). « annuler » typed
instead of a comment or précisions goes back to the critère, storing nothing.
A value code typed while a critère is shown (« a », « NA ») is recorded as its
button would be. « Pause » stops waiting for a value or a text (a line typed
later is not taken as it); resuming shows the critère or the prompt again.

:func:`etape` is pure: ``(state, event, the évaluateur's stored grid) ->
(new state, replies, records to store)``. Which handler answers is read in
:data:`TABLE`, by what the flow waits for and what the event is; the
application service does the I/O (loads the grid, stores the records,
sends the replies). docs/flows.md draws the table.

One message per compétence: its card shows the critères already passed with
their value and asks the current one; a click on it updates the same card to
ask the next critère, and the card becomes the compétence's recap when the
évaluateur moves past it (a grid of bloc 1 leaves some twenty messages, not
one per critère). Buttons carry typed payloads (:class:`Noter`,
:class:`Aller`) naming the evaluation and the critère they answer: a click on
a card not yet refreshed scores *that* critère, never the one currently shown.

The package: :mod:`~flows.notation.etat` (the state and payloads),
:mod:`~flows.notation.vues` (the card and the prompts), :mod:`~flows.notation.revue`
(the review), :mod:`~flows.notation.curseur` (the cursor's moves, the card that follows),
:mod:`~flows.notation.pas` (the steps and their table).
"""

from flows.notation.etat import (
    ATTENTES_DE_TEXTE,
    Aller,
    Attente,
    EtatNotation,
    Grille,
    Noter,
    Pas,
)
from flows.notation.pas import TABLE, commencer, etape, reprendre
from flows.notation.revue import manques
from flows.notation.vues import CHAMP_TEXTE, FORMULAIRE_TEXTE, formulaire_texte

__all__ = [
    "ATTENTES_DE_TEXTE", "CHAMP_TEXTE", "FORMULAIRE_TEXTE", "TABLE", "Aller", "Attente",
    "EtatNotation", "Grille", "Noter", "Pas", "commencer", "etape", "formulaire_texte",
    "manques", "reprendre",
]  # fmt: skip
