"""The diagrams in docs/flows.md say what the flow tables do."""

from __future__ import annotations

import re
from pathlib import Path

from flows import commandes, creation, notation, preuves, rapprochement
from flows.routes import COMMANDES

DOC = Path(__file__).resolve().parents[1] / "docs" / "flows.md"


def _transitions(section: str) -> set[tuple[str, str]]:
    """(state, kind of event) of every ``a --> b: kind (...)`` line of a section's diagram."""
    texte = DOC.read_text(encoding="utf-8").split(f"## {section}", 1)[1]
    diagramme = texte.split("```mermaid", 1)[1].split("```", 1)[0]
    return {
        (source, nature)
        for source, _, nature in re.findall(r"^\s*(\w+) --> (\w+): (\w+)", diagramme, re.M)
        if source != "[*]"
    }


def test_the_scoring_diagram_lists_exactly_the_entries_of_the_table() -> None:
    table = {
        (attente.value, nature)
        for attente, handlers in notation.TABLE.items()
        for nature in handlers
    }
    assert _transitions("Scoring") == table


def test_the_reconciliation_diagram_lists_exactly_the_entries_of_its_table() -> None:
    table = {
        (etat.value, action) for etat, actions in rapprochement.TABLE.items() for action in actions
    }
    assert _transitions("Reconciliation") == table


def test_the_commands_documented_are_the_commands_the_service_knows() -> None:
    texte = DOC.read_text(encoding="utf-8").split("## Commands", 1)[1]
    documentees = set(re.findall(r"^\| `([a-z-]+)", texte, re.M))
    assert documentees == set(COMMANDES) == set(commandes.COMMANDES)


def test_the_creation_diagram_lists_exactly_the_entries_of_its_table() -> None:
    table = {
        (attente.value, nature)
        for attente, handlers in creation.TABLE.items()
        for nature in handlers
    }
    assert _transitions("Creation") == table


def test_the_evidence_diagram_lists_exactly_the_entries_of_its_table() -> None:
    table = {
        (attente.value, nature)
        for attente, handlers in preuves.TABLE.items()
        for nature in handlers
    }
    assert _transitions("Evidence") == table
