"""Benchmark: one scoring event handled end to end through the service, on the disk store.

With 10,000 evaluations already stored (1,000 with ``--quick``; candidates
with their 4 blocs scored, as ``bench_store`` fills them), a fresh process
opens the store; 20 évaluateurs each get a new evaluation of bloc 1 and
score their whole grid, one click per critère: each timed event is a click
on a value — routing, authorisation, the step of the scoring flow, the
durable write of the answer, the durable write of the conversation state,
the replies. The anchor, measured in the same process: a bare fsynced append.
Targets (issues 4 and 15): p50 ≤ 2 ms, p99 ≤ 10 ms.

Run: ``python -m benchmarks.bench_flows [--quick] [--check]``.
Writes benchmarks/results/flows.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_store import evaluation, remplir
from benchmarks.resultats import publier

RESULTATS = Path(__file__).parent / "results" / "flows.json"
RACINE = Path(__file__).resolve().parents[1]
EVALUATEURS = 20
CIBLES = {"handle_p50_ms": 2.0, "handle_p99_ms": 10.0}


async def mesurer(dossier: str, tour: int) -> dict[str, float]:
    """In this process: open the store, then 20 évaluateurs each score a new grid of bloc 1.

    ``tour`` names this run's évaluateurs and evaluations: every grid starts empty.
    """
    from bot.memory import settle_memory
    from flows.messages import ChoiceEvent, Origin
    from flows.notation import Aller
    from flows.service import Service
    from referentiel import default
    from storage import open_store

    store = await open_store(dossier)
    settle_memory()  # as ``cqp-bot serve`` does once the store is open
    service = Service(store, default(), _horloge())
    criteres = [c.id for c in default().blocs[0].criteres]
    durees = []
    for k in range(EVALUATEURS):
        ev = evaluation(f"BENCH{tour}x{k:02d}", "B1")
        ev = ev.model_copy(update={"evaluateurs": tuple(
            e.model_copy(update={"utilisateur": f"{e.utilisateur}-{tour}-{k}"})
            for e in ev.evaluateurs
        )})  # fmt: skip
        await store.creer(ev, par="u-coord")
        origine = Origin(channel="bench", conversation="dm", user=ev.evaluateurs[0].utilisateur)
        reprendre = Aller(evaluation=ev.id, action="reprendre").pack()
        await service.handle(ChoiceEvent(origin=origine, request_id=f"{k}-0", payload=reprendre))
        for i, critere in enumerate(criteres):
            valeur = "A" if i % 3 else "NO"
            payload = f"v:{ev.id}:{critere}:{valeur}"
            evenement = ChoiceEvent(origin=origine, request_id=f"{k}-{i + 1}", payload=payload)
            t = time.perf_counter_ns()
            await service.handle(evenement)
            durees.append((time.perf_counter_ns() - t) / 1e6)
    await store.fermer()
    ancre = _append_fsync(Path(dossier) / "ancre.journal")
    return {
        "p50": statistics.median(durees),
        "p99": statistics.quantiles(durees, n=100, method="inclusive")[98],
        "ancre": statistics.median(ancre),
    }


def _horloge() -> Any:
    from datetime import UTC, datetime, timedelta

    depart = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    compteur = iter(range(10**9))
    return lambda: depart + timedelta(milliseconds=next(compteur))


def _append_fsync(chemin: Path, n: int = 300) -> list[float]:
    fd = os.open(chemin, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    durees = []
    for _ in range(n):
        t = time.perf_counter_ns()
        os.write(fd, b'{"critere": "B1.C1.1", "valeur": "A"}\n')
        os.fsync(fd)
        durees.append((time.perf_counter_ns() - t) / 1e6)
    os.close(fd)
    return durees


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark du traitement d'un clic de notation.")
    parser.add_argument("--quick", action="store_true", help="1 000 évaluations au lieu de 10 000")
    parser.add_argument(
        "--check", action="store_true", help="code de sortie 1 si une cible est manquée"
    )
    args = parser.parse_args(argv)
    evaluations = 1_000 if args.quick else 10_000
    with tempfile.TemporaryDirectory(prefix="bench-flows-") as tmp:
        dossier = Path(tmp)
        _, reponses = remplir(dossier, evaluations=evaluations)
        mesures = []
        for tour in range(3):  # three fresh processes; medians
            code = (
                "import asyncio, json; from benchmarks.bench_flows import mesurer; "
                f"print(json.dumps(asyncio.run(mesurer({str(dossier)!r}, {tour}))))"
            )
            sortie = subprocess.run(
                [sys.executable, "-c", code], cwd=RACINE, capture_output=True, text=True, check=True
            )
            mesures.append(json.loads(sortie.stdout.strip().splitlines()[-1]))
    figures: dict[str, Any] = {
        "evaluations": evaluations,
        "answers_stored": reponses,
        "handle_p50_ms": round(statistics.median(m["p50"] for m in mesures), 3),
        "handle_p99_ms": round(statistics.median(m["p99"] for m in mesures), 3),
        "fsync_append_p50_ms": round(statistics.median(m["ancre"] for m in mesures), 3),
    }
    figures["handle_p50_vs_fsync_append"] = round(
        figures["handle_p50_ms"] / figures["fsync_append_p50_ms"], 2
    )
    return publier(figures, CIBLES, RESULTATS, args.quick, args.check)


if __name__ == "__main__":
    sys.exit(main())
