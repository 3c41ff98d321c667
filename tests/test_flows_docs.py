"""The diagrams in docs/flows.md say what the flow tables do."""

from __future__ import annotations

import re
from pathlib import Path

from flows import notation

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
