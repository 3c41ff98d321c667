"""The message model as Adaptive Cards for Teams, and the card's submissions read back.

Every text goes out as a ``TextRun`` in a ``RichTextBlock``, never as a
``TextBlock``: Teams renders a TextBlock's text (and a FactSet's titles and
values) as Markdown, so a comment typed by an évaluateur (``**x**``,
``[lien](http://…)``) would become bold or a link; a TextRun is shown as
typed. The message model already keeps within what a card can show; the
limits Teams adds are applied here: at most :data:`MAX_ACTIONS` buttons an
action set (Teams shows about six, then hides the rest behind « … »), and
at most :data:`MAX_CARTE` bytes a card (Teams refuses a message over about
28 KB), a long message going out as several cards (:func:`cartes`).

Unlike Slack, a card holds text inputs itself: a form is one card whose
submit button (:class:`Envoyer`) sends the inputs' values merged with the
button's data; its other buttons send no input (``associatedInputs``
``none``), so that « Retour » is not blocked by an empty required field.
:func:`lire_action` reads what a button sent (``activity.value``) back,
as untrusted input.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Final

from flows import catalogue
from flows.messages import (
    MAX_BLOCKS,
    MAX_TYPED,
    Block,
    Button,
    Choices,
    Context,
    Divider,
    Fields,
    Heading,
    Message,
    Paragraph,
    TextInput,
)
from flows.payloads import (
    MAX_PAYLOAD,
    Envoyer,
)

SCHEMA: Final = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION: Final = "1.5"
CONTENT_TYPE: Final = "application/vnd.microsoft.card.adaptive"
MAX_ACTIONS: Final = 5
"""Buttons an action set: Teams shows about six in a row, then folds the rest into « … »."""
MAX_CARTE: Final = 24_000
"""Bytes of a card's JSON (UTF-8): Teams refuses an activity over about 28 KB, envelope included."""
CLE_PAYLOAD: Final = "cqp"
"""The key of a button's packed payload in its ``data`` (and so in ``activity.value``)."""
CLE_FORMULAIRE: Final = "formulaire"
"""The key of the form's name in a submit button's ``data``."""
_RESERVEES: Final = frozenset({CLE_PAYLOAD, CLE_FORMULAIRE, "msteams"})
_NOM_CHAMP: Final = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
"""An input's name, as :class:`TextInput` allows it: anything else was not sent by our card."""
_PEOPLE: Final = {"type": "Data.Query", "dataset": "graph.microsoft.com/users"}


formulaire_de = Envoyer.formulaire_de


# --- rendering ------------------------------------------------------------------------


def _texte(texte: str, **style: Any) -> dict[str, Any]:
    """A text shown as typed: one TextRun (no Markdown) in a RichTextBlock (which wraps)."""
    return {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": texte, **style}]}


def _bouton(bouton: Button) -> dict[str, Any]:
    """An ``Action.Submit``: a form's submit button sends the card's inputs, others none."""
    action: dict[str, Any] = {
        "type": "Action.Submit",
        "title": f"✓ {bouton.label}" if bouton.selected else bouton.label,
        "data": {CLE_PAYLOAD: bouton.payload},
    }
    formulaire = formulaire_de(bouton.payload)
    if formulaire is None:
        action["associatedInputs"] = "none"
    else:
        action["data"][CLE_FORMULAIRE] = formulaire
    style = "primary" if bouton.selected else bouton.style
    if style is not None:
        action["style"] = {"primary": "positive", "danger": "destructive"}[style]
    if bouton.accessible:
        action["tooltip"] = bouton.accessible  # what Teams reads out, beside the title
    return action


def _boutons(bloc: Choices) -> list[dict[str, Any]]:
    boutons = bloc.buttons
    return [
        {"type": "ActionSet", "actions": [_bouton(b) for b in boutons[i : i + MAX_ACTIONS]]}
        for i in range(0, len(boutons), MAX_ACTIONS)
    ]


def _champ(bloc: TextInput) -> dict[str, Any]:
    """The input: Teams' people picker for a person (its value is the Azure AD object id)."""
    champ: dict[str, Any] = {"id": bloc.name, "label": bloc.label, "isRequired": bloc.required}
    if bloc.required:
        champ["errorMessage"] = catalogue.CHAMP_OBLIGATOIRE
    if bloc.kind == "user":
        champ |= {
            "type": "Input.ChoiceSet", "choices": [], "choices.data": dict(_PEOPLE),
            "isMultiSelect": False, "placeholder": catalogue.TEAMS_CHOISIR_PERSONNE,
        }  # fmt: skip
    else:
        champ |= {"type": "Input.Text", "isMultiline": bloc.multiline, "maxLength": bloc.max_length}
        if bloc.kind == "channel":
            champ["placeholder"] = catalogue.TEAMS_ID_CONVERSATION
    if bloc.initial:
        champ["value"] = bloc.initial
    return champ


def _elements(bloc: Block) -> list[dict[str, Any]]:
    """A block's card elements (several for fields and long rows of buttons; none for a divider)."""
    if isinstance(bloc, Heading):
        return [_texte(bloc.text, size="Large", weight="Bolder")]
    if isinstance(bloc, Paragraph):
        return [_texte(bloc.text)]
    if isinstance(bloc, Context):
        return [_texte(bloc.text, size="Small", isSubtle=True)]
    if isinstance(bloc, Fields):
        # One block a pair, so that a long list may be cut between pairs. The line break
        # renders as a space where a client does not break lines in a run.
        return [
            {
                "type": "RichTextBlock",
                "inlines": [
                    {"type": "TextRun", "text": libelle, "weight": "Bolder"},
                    {"type": "TextRun", "text": f"\n{valeur}"},
                ],
            }
            for libelle, valeur in bloc.items
        ]
    if isinstance(bloc, Choices):
        return _boutons(bloc)
    if isinstance(bloc, TextInput):
        return [_champ(bloc)]
    return []  # Divider: a separator on the next element (see _unites)


def _est_formulaire(bloc: Block) -> bool:
    return isinstance(bloc, TextInput) or (
        isinstance(bloc, Choices) and any(formulaire_de(b.payload) for b in bloc.buttons)
    )


def _unites(message: Message) -> list[list[dict[str, Any]]]:
    """The body as runs of elements that must stay in one card.

    A form (its first input to its last input or submit button) stays whole: Teams
    submits only the inputs of the card whose button was pressed. A heading stays with
    what follows it. A divider becomes the separator of the next element.
    """
    blocs = message.blocks
    formulaire = [i for i, b in enumerate(blocs) if _est_formulaire(b)]
    debut, fin = (formulaire[0], formulaire[-1]) if formulaire else (-1, -1)
    unites: list[list[dict[str, Any]]] = []
    en_cours: list[dict[str, Any]] = []
    separateur = False
    for i, bloc in enumerate(blocs):
        if isinstance(bloc, Divider):
            separateur = True
            continue
        elements = _elements(bloc)
        if separateur and elements:
            elements[0]["separator"] = True
            separateur = False
        dans_formulaire = debut <= i <= fin
        for element in elements:
            en_cours.append(element)
            if not dans_formulaire and not isinstance(bloc, Heading):
                unites.append(en_cours)  # fields and rows of buttons may be cut between
                en_cours = []
        if i == fin:
            unites.append(en_cours)
            en_cours = []
    if en_cours:
        unites.append(en_cours)
    if not unites:  # nothing to show but the summary: a card is never blank
        unites.append([_texte(message.summary)])
    return unites


def _enveloppe(message: Message, corps: list[dict[str, Any]]) -> dict[str, Any]:
    if corps and corps[0].get("separator"):  # no line above a card's first element
        corps = [{k: v for k, v in corps[0].items() if k != "separator"}, *corps[1:]]
    return {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "msteams": {"width": "Full"},
        "fallbackText": message.summary,
        "body": corps,
    }


def taille(carte: dict[str, Any]) -> int:
    """The card's size on the wire: its JSON as the SDK sends it (non-ASCII escaped, \\u00e9).

    Escaped is the larger of the two ways to count, so a card that fits this way
    fits however Teams counts.
    """
    return len(json.dumps(carte).encode("utf-8"))


def carte(message: Message) -> dict[str, Any]:
    """The whole message as one Adaptive Card (see :func:`cartes` to keep within Teams' size)."""
    return _enveloppe(message, [e for unite in _unites(message) for e in unite])


def cartes(message: Message) -> list[dict[str, Any]]:
    """The message as cards of at most :data:`MAX_CARTE` bytes each, in order; usually one.

    Cards are cut between blocks (between a field list's pairs, between rows of
    buttons), never inside a form. A single run larger than the limit, which the
    message model's limits make very unlikely (a form of long prefilled values), goes
    alone in a card of its own rather than cut.
    """
    sortie: list[dict[str, Any]] = []
    corps: list[dict[str, Any]] = []
    for unite in _unites(message):
        if corps and taille(_enveloppe(message, corps + unite)) > MAX_CARTE:
            sortie.append(_enveloppe(message, corps))
            corps = []
        corps += unite
    sortie.append(_enveloppe(message, corps))
    return sortie


def attachment(carte: dict[str, Any]) -> dict[str, Any]:
    """The card as an activity's attachment."""
    return {"contentType": CONTENT_TYPE, "content": carte}


def texte_seul(message: Message) -> bool:
    """Whether the message is only paragraphs: it may then go as a plain-text activity.

    Such an activity must be sent with ``textFormat`` ``plain``: Teams renders a message's
    text as Markdown otherwise.
    """
    return bool(message.blocks) and all(isinstance(b, Paragraph) for b in message.blocks)


# --- reading a submission ---------------------------------------------------------------


@dataclass(frozen=True)
class Choix:
    """A button pressed: its packed payload (still to be unpacked by the flows)."""

    payload: str


@dataclass(frozen=True)
class Formulaire:
    """A form sent: its submit button's payload, the form's name and its inputs' values."""

    payload: str
    formulaire: str
    valeurs: dict[str, str] = field(default_factory=dict)


ActionCarte = Choix | Formulaire


def _en_texte(valeur: object) -> str | None:
    """A JSON scalar as text (as an input would send it); None for a list or an object."""
    if valeur is None:
        return ""
    if isinstance(valeur, bool):
        return "true" if valeur else "false"
    if isinstance(valeur, str | int | float):
        return str(valeur)[:MAX_TYPED]
    return None


def lire_action(valeur: object) -> ActionCarte | None:
    """What an ``Action.Submit`` of our cards sent (``activity.value``); None if malformed.

    The value comes from the network, not from our card: anything that our cards
    cannot have sent is refused whole (not a JSON object, no string payload, a
    payload too long, a form name that disagrees with its button, a nested value,
    more inputs than a message has blocks). Input names that a :class:`TextInput`
    cannot have are dropped; values are cut to MAX_TYPED characters. A choice ignores
    any input values sent with it (a client that does not know ``associatedInputs``).
    """
    if not isinstance(valeur, dict):
        return None
    payload = valeur.get(CLE_PAYLOAD)
    if not isinstance(payload, str) or not 0 < len(payload) <= MAX_PAYLOAD:
        return None
    formulaire = formulaire_de(payload)
    annonce = valeur.get(CLE_FORMULAIRE)
    if formulaire is None:
        return None if annonce is not None else Choix(payload=payload)
    if annonce is not None and annonce != formulaire:
        return None
    champs = {k: v for k, v in valeur.items() if k not in _RESERVEES}
    if len(champs) > MAX_BLOCKS:
        return None
    valeurs: dict[str, str] = {}
    for nom, brute in champs.items():
        texte = _en_texte(brute)
        if texte is None:
            return None
        if isinstance(nom, str) and _NOM_CHAMP.match(nom):
            valeurs[nom] = texte
    return Formulaire(payload=payload, formulaire=formulaire, valeurs=valeurs)
