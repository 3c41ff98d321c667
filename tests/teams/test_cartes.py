"""The flows' messages as Adaptive Cards: what a Teams user sees, and what a card sends back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from bot.teams.cartes import (
    CONTENT_TYPE,
    MAX_ACTIONS,
    MAX_CARTE,
    Choix,
    Formulaire,
    attachment,
    carte,
    cartes,
    lire_action,
    taille,
    texte_seul,
)
from flows import creation
from flows.catalogue import CHAMP_OBLIGATOIRE, TEAMS_CHOISIR_PERSONNE, TEAMS_ID_CONVERSATION
from flows.messages import (
    MAX_TYPED,
    Button,
    ChoiceEvent,
    Choices,
    Context,
    Divider,
    Event,
    Fields,
    Heading,
    Message,
    Origin,
    Paragraph,
    TextEvent,
    TextInput,
)
from flows.notation import Attente, Grille, Noter, Pas, commencer, etape
from flows.payloads import (
    MAX_PAYLOAD,
    Envoyer,
)
from referentiel import CodeValeur, default
from tests.store_outils import T0

BLOC_1 = default().blocs[0]
EV = "ev-C042-1"
ORIGINE = Origin(channel="teams", conversation="dm-expert", user="u-expert")
PIEGE = "**x** [lien](http://evil) <at>tous</at> _y_"

# --- what an Adaptive Card may hold: the types and properties this renderer uses -------

CARTE = {"type", "$schema", "version", "msteams", "fallbackText", "body"}
ELEMENTS = {
    "RichTextBlock": {"type", "inlines", "separator"},
    "ActionSet": {"type", "actions", "separator"},
    "Input.Text": {
        "type", "id", "label", "isRequired", "errorMessage", "isMultiline", "maxLength",
        "value", "placeholder", "separator",
    },
    "Input.ChoiceSet": {
        "type", "id", "label", "isRequired", "errorMessage", "choices", "choices.data",
        "isMultiSelect", "placeholder", "value", "separator",
    },
}  # fmt: skip
TEXT_RUN = {"type", "text", "size", "weight", "isSubtle"}
ACTION = {"type", "title", "data", "style", "associatedInputs"}


def valider(c: dict[str, Any]) -> None:
    """Fail unless ``c`` keeps to the Adaptive Card 1.5 structure this renderer promises."""
    assert set(c) == CARTE
    assert c["type"] == "AdaptiveCard" and c["version"] == "1.5"
    assert c["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    assert c["msteams"] == {"width": "Full"}
    assert isinstance(c["fallbackText"], str) and c["fallbackText"]
    assert isinstance(c["body"], list) and c["body"]
    assert "separator" not in c["body"][0]
    ids: list[str] = []
    for element in c["body"]:
        assert element["type"] in ELEMENTS, element["type"]
        assert set(element) <= ELEMENTS[element["type"]], element
        assert element.get("separator", True) is True
        if element["type"] == "RichTextBlock":
            assert element["inlines"]
            for run in element["inlines"]:
                assert run["type"] == "TextRun" and set(run) <= TEXT_RUN
                assert isinstance(run["text"], str) and run["text"]
                assert run.get("size", "Default") in {"Small", "Default", "Large"}
                assert run.get("weight", "Default") in {"Default", "Bolder"}
        elif element["type"] == "ActionSet":
            assert 1 <= len(element["actions"]) <= MAX_ACTIONS
            for action in element["actions"]:
                assert action["type"] == "Action.Submit" and set(action) <= ACTION
                assert isinstance(action["title"], str) and action["title"]
                assert isinstance(action["data"]["cqp"], str)
                assert action.get("style", "default") in {"default", "positive", "destructive"}
                assert action.get("associatedInputs", "auto") in {"auto", "none"}
        else:
            assert isinstance(element["id"], str) and isinstance(element["label"], str)
            assert isinstance(element["isRequired"], bool)
            ids.append(element["id"])
    assert len(ids) == len(set(ids))


def noeuds(valeur: object) -> Iterator[dict[str, Any]]:
    """Every JSON object in ``valeur``, however deep."""
    if isinstance(valeur, dict):
        yield valeur
        for v in valeur.values():
            yield from noeuds(v)
    elif isinstance(valeur, list):
        for v in valeur:
            yield from noeuds(v)


def actions(c: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for e in c["body"] if e["type"] == "ActionSet" for a in e["actions"]]


def runs(c: dict[str, Any]) -> list[str]:
    return [n["text"] for n in noeuds(c) if n.get("type") == "TextRun"]


def un_seul(message: Message) -> dict[str, Any]:
    """The message's only card, validated."""
    [c] = cartes(message)
    valider(c)
    return c


def envoi(action: dict[str, Any], saisies: dict[str, object] | None = None) -> dict[str, Any]:
    """What Teams puts in ``activity.value`` when ``action`` is pressed: data and inputs merged."""
    return {**(saisies or {}), **action["data"]}


# --- a real scoring conversation -----------------------------------------------------------


class Notation:
    """The scoring flow driven as the service does, keeping state and grid between steps."""

    def __init__(self) -> None:
        self.grille = Grille()
        self.pas = commencer(EV, "u-expert", self.grille, BLOC_1, T0)
        self.n = 0

    def envoyer(self, evenement: Event) -> Pas:
        self.n += 1
        self.pas = etape(
            self.pas.etat, evenement, self.grille, BLOC_1, T0 + timedelta(seconds=self.n)
        )
        for enregistrement in self.pas.enregistrements:
            self.grille = self.grille.avec(enregistrement)
        return self.pas

    def noter(self, valeur: CodeValeur) -> Pas:
        critere = BLOC_1.criteres[self.pas.etat.position].id
        payload = Noter(evaluation=EV, critere=critere, valeur=valeur).pack()
        return self.envoyer(ChoiceEvent(origin=ORIGINE, request_id=f"r{self.n}", payload=payload))

    def ecrire(self, texte: str) -> Pas:
        return self.envoyer(TextEvent(origin=ORIGINE, request_id=f"r{self.n}", text=texte))


def test_a_scoring_question_shows_its_four_values_as_buttons_that_send_their_payload() -> None:
    [question] = Notation().pas.replies
    c = un_seul(question.message)
    boutons = actions(c)
    valeurs = [a for a in boutons if a["data"]["cqp"].startswith(f"{Noter.PREFIX}:")]
    assert [a["title"].split(" · ")[0] for a in valeurs] == ["A", "ECA", "NA", "NO"]
    assert all("style" not in a for a in valeurs)  # nothing chosen yet
    assert valeurs[0]["data"] == {
        "cqp": Noter(evaluation=EV, critere="B1.C1.1", valeur=CodeValeur.A).pack()
    }
    assert any("B1.C1.1" in t for t in runs(c)) and c["fallbackText"] == question.message.summary
    assert all(a["associatedInputs"] == "none" for a in boutons)  # no input to send or check


def test_the_updated_question_marks_the_chosen_value() -> None:
    notation = Notation()
    marque, *_ = notation.noter(CodeValeur.ECA).replies
    assert marque.to.replace
    titres = {a["data"]["cqp"].split(":")[-1]: a for a in actions(un_seul(marque.message))}
    assert titres["ECA"]["title"].startswith("✓ ECA") and titres["ECA"]["style"] == "positive"
    assert not titres["A"]["title"].startswith("✓") and "style" not in titres["A"]


def test_the_comment_prompt_is_an_optional_multiline_input_with_its_send_button() -> None:
    notation = Notation()
    _, demande = notation.noter(CodeValeur.NA).replies
    assert notation.pas.etat.attente is Attente.COMMENTAIRE
    c = un_seul(demande.message)
    [champ] = [e for e in c["body"] if e["type"].startswith("Input.")]
    assert champ["type"] == "Input.Text" and champ["id"] == "texte"
    assert champ["isMultiline"] is True and champ["isRequired"] is False
    assert "errorMessage" not in champ
    [envoyer] = [a for a in actions(c) if "formulaire" in a["data"]]
    assert envoyer["data"]["formulaire"] == f"texte/{EV}" and "associatedInputs" not in envoyer
    assert all(a["associatedInputs"] == "none" for a in actions(c) if a is not envoyer)


def test_mandatory_precisions_are_a_required_input_with_a_french_error() -> None:
    notation = Notation()
    for _ in BLOC_1.competences[0].criteres:
        notation.noter(CodeValeur.A)
    assert notation.pas.etat.attente is Attente.PRECISIONS
    *_, demande = notation.pas.replies
    c = un_seul(demande.message)
    [champ] = [e for e in c["body"] if e["type"] == "Input.Text"]
    assert champ["isRequired"] is True and champ["errorMessage"] == CHAMP_OBLIGATOIRE
    assert champ["maxLength"] == 10_000  # one limit, as for a line typed in the chat
    # « Retour » and « Pause » are not held back by the empty required field.
    autres = [a for a in actions(c) if "formulaire" not in a["data"]]
    assert autres and all(a["associatedInputs"] == "none" for a in autres)


def test_typed_text_is_shown_as_typed_never_as_markdown() -> None:
    message = Message(
        summary=PIEGE,
        blocks=(
            Heading(text=PIEGE),
            Paragraph(text=PIEGE),
            Fields(items=((PIEGE, PIEGE),)),
            Context(text=PIEGE),
            Choices(buttons=(Button(label=PIEGE[:75], payload="x:1"),)),
            TextInput(name="commentaire", label=PIEGE, initial=PIEGE),
        ),
    )
    c = un_seul(message)
    types = {n["type"] for n in noeuds(c) if "type" in n}
    assert not types & {"TextBlock", "FactSet", "Fact"}
    # Heading, paragraph, the field's label and value, context: each exactly as typed.
    assert runs(c) == [PIEGE, PIEGE, PIEGE, f"\n{PIEGE}", PIEGE]
    assert [e.get("value") for e in c["body"] if e["type"] == "Input.Text"] == [PIEGE]


def test_headings_are_large_and_bold_and_context_is_small_and_subtle() -> None:
    message = Message(summary="s", blocks=(Heading(text="Titre"), Context(text="Critère 1/7")))
    titre, contexte = un_seul(message)["body"]
    assert titre["inlines"][0] | {"text": ""} == {
        "type": "TextRun", "text": "", "size": "Large", "weight": "Bolder",
    }  # fmt: skip
    assert contexte["inlines"][0]["size"] == "Small" and contexte["inlines"][0]["isSubtle"]


def test_the_creation_form_picks_people_and_takes_a_conversation_id() -> None:
    valeurs = {"evaluateur_1": "00000000-0000-0000-0000-0000000000a1", "candidat_nom": "Jeanne"}
    c = un_seul(creation.formulaire(valeurs).message)
    champs = {e["id"]: e for e in c["body"] if e["type"].startswith("Input.")}
    assert set(champs) == set(creation.CHAMPS)
    for nom in ("evaluateur_1", "evaluateur_2"):
        picker = champs[nom]
        assert picker["type"] == "Input.ChoiceSet" and picker["isMultiSelect"] is False
        assert picker["choices.data"] == {
            "type": "Data.Query", "dataset": "graph.microsoft.com/users",
        }  # fmt: skip
        assert picker["choices"] == [] and picker["isRequired"] is True
        assert picker["placeholder"] == TEAMS_CHOISIR_PERSONNE
    assert champs["evaluateur_1"]["value"] == valeurs["evaluateur_1"]
    assert "value" not in champs["evaluateur_2"]
    assert champs["destination"]["type"] == "Input.Text"
    assert champs["destination"]["placeholder"] == TEAMS_ID_CONVERSATION
    assert champs["candidat_nom"]["value"] == "Jeanne"
    [creer] = actions(c)
    assert creer["data"] == {
        "cqp": Envoyer(formulaire=creation.FORMULAIRE).pack(),
        "formulaire": creation.FORMULAIRE,
    }
    assert creer["style"] == "positive"


def test_many_buttons_go_in_rows_of_five_in_order() -> None:
    boutons = tuple(
        Button(label=f"B{i}", payload=f"x:{i}", style="danger" if i == 7 else None)
        for i in range(12)
    )
    c = un_seul(Message(summary="s", blocks=(Choices(buttons=boutons),)))
    assert [len(e["actions"]) for e in c["body"]] == [5, 5, 2]
    assert [a["title"] for a in actions(c)] == [f"B{i}" for i in range(12)]
    assert actions(c)[7]["style"] == "destructive"


def test_a_divider_is_a_line_above_the_next_element_only() -> None:
    message = Message(
        summary="s",
        blocks=(
            Divider(),
            Paragraph(text="un"),
            Divider(),
            Paragraph(text="deux"),
            Paragraph(text="trois"),
            Divider(),
        ),
    )
    corps = un_seul(message)["body"]
    assert [e.get("separator", False) for e in corps] == [False, True, False]


def test_a_message_without_blocks_shows_its_summary() -> None:
    assert runs(un_seul(Message(summary="Rien à noter."))) == ["Rien à noter."]


def test_a_long_message_is_split_into_cards_under_the_size_limit_keeping_every_paragraph() -> None:
    textes = [f"{i:02d} " + ("é" if i % 2 else "a") * 2997 for i in range(50)]
    message = Message(summary="Long", blocks=tuple(Paragraph(text=t) for t in textes))
    assert taille(carte(message)) > MAX_CARTE  # one card would be refused
    morceaux = cartes(message)
    assert len(morceaux) > 1
    for c in morceaux:
        valider(c)
        assert len(json.dumps(c, ensure_ascii=False).encode("utf-8")) <= MAX_CARTE
    assert [t for c in morceaux for t in runs(c)] == textes


def test_a_form_is_never_split_from_its_submit_button() -> None:
    # Six paragraphs, then a form whose inputs would straddle the limit if cut anywhere.
    longs = tuple(Paragraph(text=f"{i} " + "x" * 2990) for i in range(6))
    envoyer = Button(label="Envoyer", payload=Envoyer(formulaire="f").pack())
    formulaire = (
        TextInput(name="a", label="A"),
        Paragraph(text="y" * 2990),
        Paragraph(text="z" * 2990),
        TextInput(name="b", label="B"),
        Choices(buttons=(envoyer,)),
    )
    morceaux = cartes(Message(summary="s", blocks=(*longs, *formulaire, *longs)))
    assert len(morceaux) == 3
    [avec] = [c for c in morceaux if any(e["type"] == "Input.Text" for e in c["body"])]
    assert [e.get("id") for e in avec["body"] if e["type"] == "Input.Text"] == ["a", "b"]
    assert any(a["data"].get("formulaire") == "f" for a in actions(avec))
    for c in morceaux:
        valider(c)
        assert taille(c) <= MAX_CARTE


def test_a_heading_is_not_left_alone_at_the_end_of_a_card() -> None:
    blocs = []
    for i in range(20):
        blocs += [Heading(text=f"Titre {i}"), Paragraph(text=f"{i} " + "x" * 2990)]
    for c in cartes(Message(summary="s", blocks=tuple(blocs))):
        valider(c)
        assert c["body"][-1]["inlines"][0].get("size") != "Large"


def test_the_attachment_and_plain_text_messages() -> None:
    c = carte(Message(summary="s", blocks=(Paragraph(text="p"),)))
    assert attachment(c) == {"contentType": CONTENT_TYPE, "content": c}
    assert CONTENT_TYPE == "application/vnd.microsoft.card.adaptive"
    assert texte_seul(Message(summary="s", blocks=(Paragraph(text="a"), Paragraph(text="b"))))
    assert not texte_seul(Message(summary="s", blocks=(Paragraph(text="a"), Divider())))
    assert not texte_seul(Message(summary="s"))


# --- what a card sends back ------------------------------------------------------------------


def test_a_pressed_button_reads_back_as_its_choice() -> None:
    [question] = Notation().pas.replies
    for action in actions(un_seul(question.message)):
        assert lire_action(envoi(action)) == Choix(payload=action["data"]["cqp"])


def test_a_sent_form_reads_back_with_its_values() -> None:
    c = un_seul(creation.formulaire().message)
    [creer] = actions(c)
    saisies: dict[str, object] = {n: f"valeur de {n}" for n in creation.CHAMPS}
    saisies |= {"msteams": {"x": 1}, "echeance": ""}
    lu = lire_action(envoi(creer, saisies))
    assert isinstance(lu, Formulaire)
    assert lu.formulaire == creation.FORMULAIRE and lu.payload == creer["data"]["cqp"]
    assert lu.valeurs == {n: f"valeur de {n}" for n in creation.CHAMPS} | {"echeance": ""}


def test_the_comment_sent_from_its_card_reads_back_as_typed() -> None:
    notation = Notation()
    _, demande = notation.noter(CodeValeur.NA).replies
    [envoyer] = [a for a in actions(un_seul(demande.message)) if "formulaire" in a["data"]]
    lu = lire_action(envoi(envoyer, {"texte": PIEGE}))
    assert lu == Formulaire(
        payload=envoyer["data"]["cqp"], formulaire=f"texte/{EV}", valeurs={"texte": PIEGE}
    )


def test_form_values_are_coerced_to_text_cut_and_odd_names_dropped() -> None:
    payload = Envoyer(formulaire="f").pack()
    lu = lire_action(
        {
            "cqp": payload,
            "nombre": 3,
            "oui": True,
            "vide": None,
            "long": "x" * (MAX_TYPED + 50),
            "Pas-Un-Nom": "ignoré",
            "x" * 41: "ignoré",
        }
    )
    assert isinstance(lu, Formulaire) and lu.formulaire == "f"
    assert lu.valeurs == {"nombre": "3", "oui": "true", "vide": "", "long": "x" * MAX_TYPED}


@pytest.mark.parametrize(
    "valeur",
    [
        None,
        "a:b",
        ["cqp", "a:b"],
        {},
        {"texte": "sans payload"},
        {"cqp": 12},
        {"cqp": ""},
        {"cqp": "x" * (MAX_PAYLOAD + 1)},
        {"cqp": "a:b", "formulaire": "f"},  # a form name on a button that submits none
        {"cqp": Envoyer(formulaire="f").pack(), "formulaire": "autre"},
        {"cqp": Envoyer(formulaire="f").pack(), "texte": ["liste"]},
        {"cqp": Envoyer(formulaire="f").pack(), "texte": {"objet": 1}},
        {"cqp": Envoyer(formulaire="f").pack()} | {f"c{i}": "v" for i in range(51)},
    ],
)
def test_a_malformed_value_is_refused(valeur: object) -> None:
    assert lire_action(valeur) is None
