"""What every benchmark does with its figures: check the targets, write the JSON, print them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def publier(
    figures: dict[str, Any],
    cibles: dict[str, float],
    chemin: Path,
    quick: bool,
    check: bool,
    minimums: dict[str, float] | None = None,
) -> int:
    """Add the targets and whether each is met, write ``chemin`` (``*_quick.json`` with
    ``quick``), print every figure; the exit code is 1 when ``check`` and a target is missed.

    ``cibles`` are ceilings (a latency); ``minimums`` floors (a throughput)."""
    minimums = minimums or {}
    atteint = {k: figures[k] <= v for k, v in cibles.items()}
    atteint |= {k: figures[k] >= v for k, v in minimums.items()}
    figures.update(targets={**cibles, **minimums}, targets_met=atteint, quick=quick)
    nom = chemin.with_name(f"{chemin.stem}_quick.json") if quick else chemin
    nom.parent.mkdir(parents=True, exist_ok=True)
    nom.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    largeur = max(len(k) for k in figures) + 2
    for cle, valeur in figures.items():
        print(f"{cle:<{largeur}} {valeur}")
    print(f"-> {nom}")
    return 0 if all(atteint.values()) or not check else 1
