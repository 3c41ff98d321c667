"""Channel-neutral events and messages: what the flows read and write, whatever the channel.

A channel adapter does two translations and nothing else: its payload into
an :data:`Event`, and a :class:`Message` into its payload (Block Kit,
Adaptive Card, HTML). The message model is a small closed set of blocks plus
a plain-text summary (what a notification, a screen reader or a channel
without cards shows).

The channels' limits are enforced *by construction*: a message with 51
blocks, a 3,001-character paragraph or a 76-character button label cannot be
built at all, so no channel discovers it in production. Slack's are the
tightest (50 blocks, 3,000 characters a text, 75 a button label, 25 elements
an actions block); Teams' Adaptive Cards accept at least as much.

Buttons carry typed payloads (:mod:`flows.payloads`).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, ClassVar, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from flows.payloads import MAX_PAYLOAD, Envoyer

MAX_BLOCKS = 50
MAX_TEXT = 3000
MAX_HEADING = 150
MAX_CONTEXT = 2000
MAX_BUTTON_LABEL = 75
MAX_BUTTONS = 25
MAX_FIELDS = 10
MAX_TITRE = 24
"""A title's length where a channel shows one: a Slack modal's."""
MAX_TYPED = 10_000
"""Longest text a person may type in one message (a comment, précisions)."""
MAX_ARGS = 2_100
"""Longest arguments of a command: room for an evaluation's name and a re-opening's reason
(2,000 characters, flows.evaluation.MAX_RAISON)."""

Short = Annotated[str, StringConstraints(min_length=1, max_length=200)]


def fold(mot: str) -> str:
    """A word as a command name is compared: lower-cased, accents dropped (« Résultat »)."""
    decompose = unicodedata.normalize("NFKD", mot.lower())
    return "".join(c for c in decompose if not unicodedata.combining(c))


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- incoming ---------------------------------------------------------------------


class Origin(_Model):
    """Where an event comes from: channel (``web``, ``slack``, ``teams``), conversation, user."""

    channel: Short
    conversation: Short
    user: Short


class _Event(_Model):
    origin: Origin
    request_id: Short
    """The channel's id of this delivery (a retry reuses it): the key of idempotency."""
    message: Short | None = None
    """The message the event was made on (a clicked card), which an answer may update in
    place — also when it goes out after a restart (``Outbox.pending``)."""


class TextEvent(_Event):
    """A line typed in a conversation."""

    kind: Literal["text"] = "text"
    text: Annotated[str, StringConstraints(max_length=MAX_TYPED)]
    trop_long: int = 0
    """The length typed when it was over MAX_TYPED: the text is cut, and taken as nothing —
    the person is told so, through the service, so that a channel's retry is told once."""
    discussion: bool = False
    """Typed where people discuss among themselves (the évaluateurs' shared thread): taken
    only as the text a flow awaits from its author, else let be — never answered."""


class CommandEvent(_Event):
    """A command (``/cqp critere accueil`` in Slack, ``critere accueil`` typed anywhere)."""

    kind: Literal["command"] = "command"
    name: Annotated[str, StringConstraints(min_length=1, max_length=50)]
    args: Annotated[str, StringConstraints(max_length=MAX_ARGS)] = ""

    _SYNTAX: ClassVar[re.Pattern[str]] = re.compile(r"^\s*(?:/cqp\s+)?(\S+)\s*(.*?)\s*$", re.S)

    @classmethod
    def split(cls, line: str) -> tuple[str, str] | None:
        """``line``'s first word, lower-cased and without accents (``critère`` is ``critere``),
        and the rest; None for a blank line."""
        match = cls._SYNTAX.match(line)
        return None if match is None else (fold(match.group(1)), match.group(2))

    @classmethod
    def parse(cls, origin: Origin, request_id: str, line: str) -> CommandEvent | None:
        """Read ``line`` as a command (its first word, lower-cased) and its arguments."""
        morceaux = cls.split(line)
        if morceaux is None or len(morceaux[0]) > 50 or len(morceaux[1]) > MAX_ARGS:
            return None  # too long to be a command
        return cls(origin=origin, request_id=request_id, name=morceaux[0], args=morceaux[1])


class ChoiceEvent(_Event):
    """A button pressed; ``payload`` is a packed :class:`Payload`, still to be unpacked."""

    kind: Literal["choice"] = "choice"
    payload: Annotated[str, StringConstraints(max_length=MAX_PAYLOAD)]
    clicked_at: float | None = None
    """When the person clicked, by the chat app's clock (Slack's ``action_ts``), if it says:
    clicks that arrive out of order are taken in the order they were made (``flows.clics``)."""


class FormEvent(_Event):
    """A form (modal, card, HTML form) submitted, its values by field name."""

    kind: Literal["form"] = "form"
    form: Short
    values: dict[str, Annotated[str, StringConstraints(max_length=MAX_TYPED)]]
    names: dict[str, Annotated[str, StringConstraints(max_length=200)]] = {}
    """Display names the channel itself looked up for user ids — those among ``values`` (Slack's
    people picker gives ids only), or every person it knows (the web chat's users file) —,
    never what the person typed."""


Event = Annotated[TextEvent | CommandEvent | ChoiceEvent | FormEvent, Field(discriminator="kind")]


# --- outgoing -----------------------------------------------------------------------

Text = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT)]


class Heading(_Model):
    type: Literal["heading"] = "heading"
    text: Annotated[str, StringConstraints(min_length=1, max_length=MAX_HEADING)]


class Paragraph(_Model):
    type: Literal["paragraph"] = "paragraph"
    text: Text


class Fields(_Model):
    """Label → value pairs (a candidate's card, modalités, progress)."""

    type: Literal["fields"] = "fields"
    items: tuple[
        tuple[Annotated[str, StringConstraints(min_length=1, max_length=100)], Text], ...
    ] = Field(min_length=1, max_length=MAX_FIELDS)


class Button(_Model):
    label: Annotated[str, StringConstraints(min_length=1, max_length=MAX_BUTTON_LABEL)]
    payload: Annotated[str, StringConstraints(min_length=1, max_length=MAX_PAYLOAD)]
    style: Literal["primary", "danger"] | None = None
    selected: bool = False
    """The value already chosen (shown marked when the message is updated in place)."""
    accessible: Annotated[str, StringConstraints(max_length=MAX_BUTTON_LABEL)] | None = None
    """What a screen reader says, where the label alone is ambiguous (« Proposer A » repeated
    for each critère): « Proposer A pour B1.C1.2 »."""


class Choices(_Model):
    type: Literal["choices"] = "choices"
    buttons: tuple[Button, ...] = Field(min_length=1, max_length=MAX_BUTTONS)


class TextInput(_Model):
    type: Literal["input"] = "input"
    name: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
    label: Annotated[str, StringConstraints(min_length=1, max_length=MAX_HEADING)]
    multiline: bool = False
    required: bool = False
    initial: Annotated[str, StringConstraints(max_length=MAX_TYPED)] = ""
    max_length: int = Field(default=MAX_TEXT, ge=1, le=MAX_TYPED)
    """The longest text it takes; a channel whose own inputs take less (Slack's modals: 3,000
    characters) says so, and the person types a longer one in the conversation."""
    kind: Literal["text", "user", "channel"] = "text"
    """What the value names: free text, a person, or a conversation. A channel that has
    pickers shows one (Slack's user and conversation selects, the web chat's list of people);
    the value is always the id, as text."""


class Divider(_Model):
    type: Literal["divider"] = "divider"


class Context(_Model):
    """Small secondary text: progress (« critère 3/7 · B1.C2 »), hints."""

    type: Literal["context"] = "context"
    text: Annotated[str, StringConstraints(min_length=1, max_length=MAX_CONTEXT)]


Block = Annotated[
    Heading | Paragraph | Fields | Choices | TextInput | Divider | Context,
    Field(discriminator="type"),
]


class Message(_Model):
    """A plain-text summary and at most MAX_BLOCKS blocks."""

    summary: Text
    blocks: tuple[Block, ...] = Field(default=(), max_length=MAX_BLOCKS)
    titre: Annotated[str, StringConstraints(max_length=MAX_TITRE)] | None = None
    """What the message asks for, in a few words, where a channel titles it (a modal)."""

    @property
    def form(self) -> str | None:
        """The form this message is, by name: text inputs and the button that sends them.

        A channel that opens forms apart (Slack's modals) reads this, never the blocks'
        payloads; None for a message that is no form.
        """
        if not any(isinstance(b, TextInput) for b in self.blocks):
            return None
        for bloc in self.blocks:
            for bouton in bloc.buttons if isinstance(bloc, Choices) else ():
                if (nom := Envoyer.formulaire_de(bouton.payload)) is not None:
                    return nom
        return None


def propose(message: Message, kind: str, value: str | None) -> Message:
    """``message`` with its empty inputs of ``kind`` proposing ``value`` (unchanged without one).

    A channel's settings may name a default the flows do not know: the results
    channel proposed where the creation form asks for one.
    """
    if not value or not any(
        isinstance(b, TextInput) and b.kind == kind and not b.initial for b in message.blocks
    ):
        return message  # nothing to propose: the same message, no copy
    blocks = tuple(
        b.model_copy(update={"initial": value})
        if isinstance(b, TextInput) and b.kind == kind and not b.initial
        else b
        for b in message.blocks
    )
    return message.model_copy(update={"blocks": blocks})


def paragraphs(text: str) -> tuple[Paragraph, ...]:
    """``text`` as paragraphs within MAX_TEXT, cut at line breaks, else sentences, else spaces."""
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > MAX_TEXT:
        window = rest[:MAX_TEXT]
        cut = max(window.rfind("\n"), window.rfind(". ") + 1, 0) or window.rfind(" ")
        if cut <= 0:
            cut = MAX_TEXT
        parts.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        parts.append(rest)
    return tuple(Paragraph(text=p) for p in parts if p)


# --- replies -------------------------------------------------------------------------


MAX_TARGET = 200
"""Longest results destination (a channel's name or id, as the coordinateur gave it)."""
Target = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TARGET)
]


class Destination(_Model):
    """Where a reply goes: back to the origin, to a user's DM, or to the results destination.

    ``user`` is set exactly when ``kind`` is ``"user"``, ``target`` exactly when it is
    ``"results"``: an adapter never has to guess where to post.
    """

    kind: Literal["origin", "user", "results"] = "origin"
    user: Short | None = None
    target: Target | None = None
    """The evaluation's results destination (kind ``"results"``): where the adapter posts."""
    responsables: tuple[Short, ...] = ()
    """Who is told when a result cannot be posted there (kind ``"results"``): the
    evaluation's coordinateurs."""
    replace: bool = False
    """Update the message that was answered instead of posting a new one, where the channel can."""

    @model_validator(mode="after")
    def _one_place(self) -> Self:
        if (self.kind == "user") != (self.user is not None):
            raise ValueError("a user destination, and only it, names a user")
        if (self.kind == "results") != (self.target is not None):
            raise ValueError("a results destination, and only it, names a target")
        if self.responsables and self.kind != "results":
            raise ValueError("only a results destination names who answers for it")
        return self


class Fichier(_Model):
    """A file that goes with a reply (the jury's export): each channel uploads or links it."""

    nom: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")]
    type_media: Literal["application/json"] = "application/json"
    contenu: Annotated[str, StringConstraints(max_length=20_000_000)]


class Reply(_Model):
    message: Message
    to: Destination = Destination()
    fichier: Fichier | None = None
    fil: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.-]{0,199}$")] | None = None
    """A discussion this reply belongs to, between its sender and its addressee (the two
    évaluateurs' reconciliation): a channel that has shared threads posts it in one thread
    both see (Slack: a group DM); the others send it to the addressee as usual."""
    refused: bool = False
    """The store refused to record the event: nothing was applied, and the same request may be
    tried again (a channel keeps a form open with what was typed)."""
    aparte: bool = False
    """A notice beside the answer — what a flow still waits for, a proposal dropped — not the
    answer itself: a channel that shows the answer elsewhere than in the conversation (Slack's
    App Home) sends these to the conversation."""


def shorten(text: str, length: int = MAX_TEXT) -> str:
    """``text`` cut to ``length`` characters, ending with « … » when cut: to fit a block's limit."""
    return text if len(text) <= length else text[: length - 1] + "…"


def say(
    *texts: str,
    to: Destination | None = None,
    buttons: tuple[Button, ...] = (),
    aparte: bool = False,
    refused: bool = False,
) -> Reply:
    """A reply of plain paragraphs (each cut to fit), with optional buttons under them."""
    blocks: tuple[Paragraph | Choices, ...] = tuple(Paragraph(text=shorten(t)) for t in texts)
    if buttons:
        blocks += (Choices(buttons=buttons),)
    message = Message(summary=shorten(texts[0]), blocks=blocks)
    return Reply(message=message, to=to or Destination(), aparte=aparte, refused=refused)
