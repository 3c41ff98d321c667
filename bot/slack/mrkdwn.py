"""Slack's message text format (mrkdwn) at the border: read typed text, write plain text.

Slack delivers what a person types escaped (``&amp;``, ``&lt;``, ``&gt;``) and
with its references in angle brackets (``<@U123>``, ``<#C1|canal>``,
``<https://…|libellé>``, ``<!channel>``). A comment is the évaluateur's words,
kept for the jury: it is stored as it reads, not in Slack's encoding — the
same comment typed in a modal arrives unencoded.

The other way, a message's ``text`` is read as mrkdwn by Slack (the
notification, and the message itself when it has no blocks): what the bot
writes there (a candidate's name, a comment, a destination typed in a form)
is escaped, so that it can neither ping a channel nor become a link.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import partial

_REFERENCE = re.compile(r"<([^<>]*)>")
_SPECIAUX = {"!channel": "@channel", "!here": "@here", "!everyone": "@everyone"}


def _reference(noms: Mapping[str, str], correspondance: re.Match[str]) -> str:
    contenu = correspondance.group(1)
    cible, _, libelle = contenu.partition("|")
    if cible in _SPECIAUX:
        return _SPECIAUX[cible]
    if cible.startswith("!"):  # <!subteam^S1|@equipe>, <!date^…|texte>: what it reads as
        return libelle or cible[1:]
    if cible.startswith("@"):  # a person: their name where it is known
        return f"@{noms.get(cible[1:]) or libelle or cible[1:]}"
    if cible.startswith("#"):
        return f"#{libelle or cible[1:]}"
    adresse = cible.removeprefix("mailto:")
    if libelle and libelle not in (adresse, re.sub(r"^https?://", "", adresse)):
        # A link typed with a label of its own (Slack links a bare « ameli.fr » itself).
        return f"{libelle} ({adresse})"
    return libelle or adresse  # what was typed, where Slack made a link of it


def lire(texte: str, noms: Mapping[str, str] | None = None) -> str:
    """Typed text as the person typed it: references to what they read, entities decoded;
    a person mentioned (``<@U…>``) by their name in ``noms`` (by user id) if it is there."""
    texte = _REFERENCE.sub(partial(_reference, noms or {}), texte)
    return texte.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def mentions(texte: str) -> list[str]:
    """The user ids of the people mentioned in Slack's text (``<@U…>``)."""
    return re.findall(r"<@([A-Z0-9]+)(?:\|[^>]*)?>", texte)


def echapper(texte: str) -> str:
    """Text that Slack shows as it is, never as a mention, a link or a ping."""
    return texte.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
