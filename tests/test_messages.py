"""The channel-neutral message model: limits by construction, typed payloads, events."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from flows.messages import (
    MAX_BLOCKS,
    MAX_TARGET,
    MAX_TEXT,
    Button,
    ChoiceEvent,
    Choices,
    CommandEvent,
    Context,
    Destination,
    Event,
    Message,
    Origin,
    Paragraph,
    TextEvent,
    paragraphs,
)
from flows.payloads import (
    InvalidPayload,
    Payload,
    unpack_any,
)

ORIGINE = Origin(channel="slack", conversation="D123", user="U42")


class Note(Payload):
    PREFIX = "n"
    evaluation: str
    critere: str
    valeur: str


class Retour(Payload):
    PREFIX = "r"
    evaluation: str
    position: int


def test_a_payload_packs_short_and_unpacks_to_the_same_typed_value() -> None:
    note = Note(evaluation="ev-C042-1", critere="B1.C2.3", valeur="ECA")
    assert note.pack() == "n:ev-C042-1:B1.C2.3:ECA"
    assert Note.unpack(note.pack()) == note
    assert Retour.unpack(Retour(evaluation="ev-1", position=7).pack()).position == 7


@pytest.mark.parametrize(
    "forge", ["n:ev-1:B1.C2.3", "n:ev-1:B1.C2.3:A:extra", "x:ev-1:B1.C2.3:A", "", "r:ev-1:sept"]
)
def test_a_forged_or_truncated_payload_is_refused(forge: str) -> None:
    with pytest.raises(InvalidPayload):
        unpack_any(forge, (Note, Retour))


def test_a_value_holding_the_separator_cannot_be_packed() -> None:
    with pytest.raises(InvalidPayload):
        Note(evaluation="ev:1", critere="B1.C2.3", valeur="A").pack()


def test_a_message_cannot_hold_more_blocks_than_slack_accepts() -> None:
    Message(summary="ok", blocks=tuple(Context(text=f"ligne {i}") for i in range(MAX_BLOCKS)))
    with pytest.raises(ValidationError):
        Message(summary="trop", blocks=tuple(Context(text="x") for _ in range(MAX_BLOCKS + 1)))


def test_button_labels_and_paragraphs_respect_channel_limits() -> None:
    with pytest.raises(ValidationError):
        Button(label="x" * 76, payload="n:1:2:3")
    with pytest.raises(ValidationError):
        Paragraph(text="x" * (MAX_TEXT + 1))
    with pytest.raises(ValidationError):
        Choices(buttons=())


def test_a_long_text_is_split_into_paragraphs_that_fit_without_losing_a_word() -> None:
    phrase = "Le candidat reformule la demande de l'adhérent avec précision. "
    texte = phrase * 150  # about 9,500 characters
    morceaux = paragraphs(texte)
    assert len(morceaux) >= 4
    assert all(len(p.text) <= MAX_TEXT for p in morceaux)
    assert " ".join(p.text for p in morceaux).split() == texte.split()
    assert all(p.text.endswith(".") for p in morceaux)


@pytest.mark.parametrize(
    ("ligne", "nom", "arguments"),
    [
        ("/cqp critere accueil", "critere", "accueil"),
        ("  Critere   B1.C2.3 ", "critere", "B1.C2.3"),
        ("aide", "aide", ""),
        ("/cqp statut C042", "statut", "C042"),
    ],
)
def test_a_command_is_read_the_same_typed_or_from_a_slash_command(
    ligne: str, nom: str, arguments: str
) -> None:
    commande = CommandEvent.parse(ORIGINE, "r1", ligne)
    assert commande is not None
    assert (commande.name, commande.args) == (nom, arguments)


def test_an_adapter_builds_events_from_plain_data() -> None:
    adaptateur = TypeAdapter(Event)
    choix = adaptateur.validate_python(
        {
            "kind": "choice",
            "origin": ORIGINE.model_dump(),
            "request_id": "a1",
            "payload": "n:ev-1:B1.C1.1:A",
        }
    )
    assert isinstance(choix, ChoiceEvent)
    texte = adaptateur.validate_python(
        {"kind": "text", "origin": ORIGINE.model_dump(), "request_id": "a2", "text": "Très bien 👍"}
    )
    assert isinstance(texte, TextEvent)
    with pytest.raises(ValidationError):
        adaptateur.validate_python(
            {
                "kind": "text",
                "origin": ORIGINE.model_dump(),
                "request_id": "a3",
                "text": "x" * 10_001,
            }
        )


def test_a_results_destination_always_says_where_to_post_within_bounds() -> None:
    cible = Destination(kind="results", target="  resultats-cqp ")
    assert cible.target == "resultats-cqp"
    assert Destination(kind="results", target="c" * MAX_TARGET).target == "c" * MAX_TARGET
    for incomplete in (
        {"kind": "results"},
        {"kind": "results", "target": "   "},
        {"kind": "results", "target": "c" * (MAX_TARGET + 1)},
        {"kind": "origin", "target": "resultats-cqp"},
        {"kind": "user"},
        {"kind": "results", "target": "resultats-cqp", "user": "U42"},
    ):
        with pytest.raises(ValidationError):
            Destination.model_validate(incomplete)
