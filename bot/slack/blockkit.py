"""The message model as Block Kit: messages, and forms as modals.

Every text goes out as ``plain_text``: a comment typed by an évaluateur is
shown as typed, and nothing in it (``<!channel>``, ``*``, ``<url|label>``)
can become a mention, a format or a link. The message model already keeps
within Slack's limits (50 blocks, 3,000 characters a text, 75 a button
label, 25 buttons an actions block, 10 fields); the few limits Slack has
beyond the model (a header's 150 characters, a field's 2,000, a modal
title's 24) are applied here.

Slack has no text input in a message, only in a modal: a message with
inputs is shown without them, its submit button (:class:`Envoyer`) opening
the modal that holds them (:func:`modal`).
"""

from __future__ import annotations

import json
from typing import Any

from flows import catalogue
from flows.messages import (
    Choices,
    Context,
    Divider,
    Fields,
    Heading,
    Message,
    Paragraph,
    TextInput,
)

ACTION_PREFIX = "cqp:"
"""Every button's action_id starts with this: one listener handles them all."""
FORM_CALLBACK = "cqp-formulaire"
INPUT_ACTION = "valeur"


def _texte(texte: str, limite: int = 3000) -> dict[str, Any]:
    if len(texte) > limite:
        texte = texte[: limite - 1] + "…"
    return {"type": "plain_text", "text": texte, "emoji": True}


MAX_SAISIE_MODALE = 3000
"""The longest text a Slack modal's input takes (Block Kit's limit)."""


def _boutons(bloc: Choices, index: int, block_id: str) -> dict[str, Any]:
    elements = []
    for i, bouton in enumerate(bloc.buttons):
        libelle = f"✓ {bouton.label}" if bouton.selected else bouton.label
        element: dict[str, Any] = {
            "type": "button",
            "action_id": f"{ACTION_PREFIX}{index}.{i}",
            "text": _texte(libelle, 75),
            "value": bouton.payload,
        }
        style = "primary" if bouton.selected else bouton.style
        if style is not None:
            element["style"] = style
        if bouton.accessible:
            element["accessibility_label"] = bouton.accessible
        elements.append(element)
    return {"type": "actions", "block_id": block_id, "elements": elements}


def blocks(message: Message, prefixe: str = "") -> list[dict[str, Any]]:
    """The message's blocks in Block Kit (inputs left to the modal their form opens).

    Block ids must be unique in a message or view: ``prefixe`` sets this message's apart
    where several messages make one view (the App Home).
    """
    sortie: list[dict[str, Any]] = []
    for index, bloc in enumerate(message.blocks):
        if isinstance(bloc, Heading):
            sortie.append({"type": "header", "text": _texte(bloc.text, 150)})
        elif isinstance(bloc, Paragraph):
            sortie.append({"type": "section", "text": _texte(bloc.text)})
        elif isinstance(bloc, Fields):
            champs = [_texte(f"{libelle}\n{valeur}", 2000) for libelle, valeur in bloc.items]
            sortie.append({"type": "section", "fields": champs})
        elif isinstance(bloc, Choices):
            sortie.append(_boutons(bloc, index, f"{prefixe}choix-{index}"))
        elif isinstance(bloc, Context):
            sortie.append({"type": "context", "elements": [_texte(bloc.text, 2000)]})
        elif isinstance(bloc, Divider):
            sortie.append({"type": "divider"})
        # TextInput: only in the modal (see ``modal``).
    return sortie


def modal(message: Message, formulaire: str, metadata: dict[str, str]) -> dict[str, Any]:
    """A form message as a modal: its text, its inputs; Slack's own submit button sends it."""
    sortie: list[dict[str, Any]] = []
    titre = message.titre
    for bloc in message.blocks:
        if isinstance(bloc, Heading):
            titre = titre or bloc.text
            sortie.append({"type": "header", "text": _texte(bloc.text, 150)})
        elif isinstance(bloc, Paragraph):
            sortie.append({"type": "section", "text": _texte(bloc.text)})
        elif isinstance(bloc, Context):
            sortie.append({"type": "context", "elements": [_texte(bloc.text, 2000)]})
        elif isinstance(bloc, TextInput):
            element = _champ(bloc)
            entree: dict[str, Any] = {
                "type": "input", "block_id": bloc.name, "optional": not bloc.required,
                "label": _texte(bloc.label, 2000), "element": element,
            }  # fmt: skip
            if bloc.kind == "text" and bloc.max_length > MAX_SAISIE_MODALE:
                entree["hint"] = _texte(catalogue.SLACK_SAISIE_LIMITE.format(n=MAX_SAISIE_MODALE))
            sortie.append(entree)
    return {
        "type": "modal",
        "callback_id": FORM_CALLBACK,
        "private_metadata": json.dumps({**metadata, "formulaire": formulaire}),
        "title": _texte(titre or catalogue.SLACK_TITRE_FORMULAIRE, 24),
        "submit": _texte(catalogue.SLACK_ENVOYER, 24),
        "close": _texte(catalogue.SLACK_ANNULER, 24),
        "blocks": sortie[:100],
    }


def _champ(bloc: TextInput) -> dict[str, Any]:
    """The input's element: a user or conversation picker where the value names one."""
    if bloc.kind == "user":
        element: dict[str, Any] = {"type": "users_select", "action_id": INPUT_ACTION}
        if bloc.initial:
            element["initial_user"] = bloc.initial
        return element
    if bloc.kind == "channel":
        element = {
            "type": "conversations_select", "action_id": INPUT_ACTION,
            "filter": {"include": ["private", "mpim"], "exclude_bot_users": True},
        }  # fmt: skip
        if bloc.initial:
            element["initial_conversation"] = bloc.initial
        return element
    element = {
        "type": "plain_text_input", "action_id": INPUT_ACTION, "multiline": bloc.multiline,
        "max_length": min(bloc.max_length, MAX_SAISIE_MODALE),
    }  # fmt: skip
    if bloc.initial:
        element["initial_value"] = bloc.initial
    return element


def personnes_choisies(view: dict[str, Any]) -> list[str]:
    """The user ids a submitted modal's people pickers hold."""
    etat = view.get("state", {}).get("values", {})
    ids = []
    for champ in etat.values():
        element = champ.get(INPUT_ACTION) if isinstance(champ, dict) else None
        if isinstance(element, dict) and element.get("selected_user"):
            ids.append(str(element["selected_user"]))
    return ids


def valeurs(view: dict[str, Any]) -> dict[str, str]:
    """A submitted modal's values by input name (an empty input is an empty string)."""
    etat = view.get("state", {}).get("values", {})
    sortie = {}
    for nom, champ in etat.items():
        element = champ.get(INPUT_ACTION) if isinstance(champ, dict) else None
        if not isinstance(element, dict):
            continue
        valeur = (
            element.get("value")
            or element.get("selected_user")
            or element.get("selected_conversation")
            or ""
        )
        sortie[str(nom)] = str(valeur)
    return sortie
