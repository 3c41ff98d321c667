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

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    ConversationFilter,
    ConversationSelectElement,
    HeaderBlock,
    InputBlock,
    InputInteractiveElement,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    UserSelectElement,
)
from slack_sdk.models.views import View

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


def plain(texte: str, limite: int = 3000) -> dict[str, Any]:
    """A text object shown as typed (never mrkdwn), cut to Slack's ``limite`` characters."""
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
            "text": plain(libelle, 75),
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
            sortie.append({"type": "header", "text": plain(bloc.text, 150)})
        elif isinstance(bloc, Paragraph):
            sortie.append({"type": "section", "text": plain(bloc.text)})
        elif isinstance(bloc, Fields):
            champs = [plain(f"{libelle}\n{valeur}", 2000) for libelle, valeur in bloc.items]
            sortie.append({"type": "section", "fields": champs})
        elif isinstance(bloc, Choices):
            sortie.append(_boutons(bloc, index, f"{prefixe}choix-{index}"))
        elif isinstance(bloc, Context):
            sortie.append({"type": "context", "elements": [plain(bloc.text, 2000)]})
        elif isinstance(bloc, Divider):
            sortie.append({"type": "divider"})
        # TextInput: only in the modal (see ``modal``).
    return sortie


def modal(message: Message, formulaire: str, metadata: dict[str, str]) -> dict[str, Any]:
    """A form message as a modal: its text, its inputs; Slack's own submit button sends it.

    Built with slack_sdk's Block Kit models, which check Slack's limits (a title's 24
    characters, an input's label) where a dict would only fail at Slack. Messages stay
    dicts (:func:`blocks`): they are rendered on every click, and the models cost about
    70 times as much (0.3 ms a card).
    """
    sortie: list[Block] = []
    titre = message.titre
    for bloc in message.blocks:
        if isinstance(bloc, Heading):
            titre = titre or bloc.text
            sortie.append(HeaderBlock(text=_objet(bloc.text, 150)))
        elif isinstance(bloc, Paragraph):
            sortie.append(SectionBlock(text=_objet(bloc.text)))
        elif isinstance(bloc, Context):
            sortie.append(ContextBlock(elements=[_objet(bloc.text, 2000)]))
        elif isinstance(bloc, TextInput):
            long = bloc.kind == "text" and bloc.max_length > MAX_SAISIE_MODALE
            sortie.append(
                InputBlock(
                    block_id=bloc.name, optional=not bloc.required,
                    label=_objet(bloc.label, 2000), element=_champ(bloc),
                    hint=_objet(catalogue.SLACK_SAISIE_LIMITE.format(n=MAX_SAISIE_MODALE))
                    if long else None,
                )
            )  # fmt: skip
    vue = View(
        type="modal",
        callback_id=FORM_CALLBACK,
        private_metadata=json.dumps({**metadata, "formulaire": formulaire}),
        title=_objet(titre or catalogue.SLACK_TITRE_FORMULAIRE, 24),
        submit=_objet(catalogue.SLACK_ENVOYER, 24),
        close=_objet(catalogue.SLACK_ANNULER, 24),
        blocks=sortie[:100],
    )
    return vue.to_dict()


def _objet(texte: str, limite: int = 3000) -> PlainTextObject:
    if len(texte) > limite:
        texte = texte[: limite - 1] + "…"
    return PlainTextObject(text=texte, emoji=True)


def _champ(bloc: TextInput) -> InputInteractiveElement:
    """The input's element: a user or conversation picker where the value names one."""
    if bloc.kind == "user":
        return UserSelectElement(action_id=INPUT_ACTION, initial_user=bloc.initial or None)
    if bloc.kind == "channel":
        return ConversationSelectElement(
            action_id=INPUT_ACTION, initial_conversation=bloc.initial or None,
            filter=ConversationFilter(include=["private", "mpim"], exclude_bot_users=True),
        )  # fmt: skip
    return PlainTextInputElement(
        action_id=INPUT_ACTION, multiline=bloc.multiline,
        max_length=min(bloc.max_length, MAX_SAISIE_MODALE), initial_value=bloc.initial or None,
    )  # fmt: skip


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
