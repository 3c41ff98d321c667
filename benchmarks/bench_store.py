"""Benchmark: a durable answer write, whatever the amount already stored.

For each N (answers already stored: 1,000 / 10,000 / 100,000 / 1,000,000,
or up to 100,000 with ``--quick``), a fresh process opens the store
(start-up time), then times ``enregistrer`` of 800 new answers — each one
durable when it returns — spread over 8 evaluations in use; three such
processes per N — in rounds that measure every N in turn, after a warm-up
run — and the median of each figure is kept. Beside it,
in the same run, the anchors: SQLite in WAL mode with ``synchronous=FULL``
(one row per commit) and a bare fsynced append. Ratios to them are what
holds across machines.

Data is realistic: evaluations of 160 answers (80 critères × 2 évaluateurs),
one answer in five with a comment of a few sentences, each with its audit
line, as the store itself writes them (the files are generated with the
store's own encoder, to fill a million answers in seconds rather than hours).

Then the crash soak: a writer killed with SIGKILL at random instants, 50
times (6 with ``--quick``); every acknowledged write must be there.

Targets: p50 at the largest N ≤ 1.3 × p50 at 1,000; p50 ≤ 4 × SQLite FULL
p50; p99 ≤ 10 ms; start-up ≤ 2 s and RSS ≤ 300 MB at the largest N.

Run: ``python -m benchmarks.bench_store [--quick] [--check]``.
Writes benchmarks/results/store.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

RESULTATS = Path(__file__).parent / "results" / "store.json"
RACINE = Path(__file__).resolve().parents[1]
PAR_EVALUATION = 160
EVALUATIONS_ACTIVES = 8
ECRITURES = 800
REPETITIONS = 3
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
PHRASES = [
    "Le candidat reformule avec précision la demande de l'adhérent.",
    "Quelques hésitations sur les garanties du contrat responsable.",
    "Bonne gestion du temps, mais la conclusion de l'entretien est abrupte.",
    "L'écoute active est manifeste ; la solution proposée reste à justifier.",
    "Procédure de traçabilité appliquée sans oubli dans l'outil CRM.",
]
CIBLES = {"flat_ratio": 1.3, "sqlite_ratio": 4.0, "p99_ms": 10.0, "startup_s": 2.0, "rss_mb": 300.0}


def _percentile(valeurs: list[float], p: int) -> float:
    return statistics.quantiles(valeurs, n=100, method="inclusive")[p - 1]


# --- data generation ---------------------------------------------------------------


def _evaluation_doc(numero: int) -> dict[str, Any]:
    reference = f"C{numero:06d}"
    return {
        "id": f"ev-{reference}-1",
        "candidat": {"nom": f"Candidat {numero}", "reference": reference},
        "bloc": "B1",
        "evaluateurs": [
            {"utilisateur": "u-expert", "nom": "Amel Haddad", "role": "expert_habilite"},
            {"utilisateur": "u-interne", "nom": "Paul Roche", "role": "expert_interne"},
        ],
        "coordinateurs": ["u-coord"],
        "echeance": None,
        "destination_resultats": None,
        "statut": "en_cours",
        "horodatage": T0.isoformat(),
    }


def _shard(numero: int, rng: random.Random) -> tuple[Path, bytes, dict[str, Any]]:
    from storage.format import encode_snapshot

    entete = _evaluation_doc(numero)
    reponses, evenements = {}, {}
    for i in range(PAR_EVALUATION):
        evaluateur = ("u-expert", "u-interne")[i % 2]
        critere = f"B1.C{i // 20 + 1}.{(i // 2) % 10 + 1}"
        quand = (T0 + timedelta(seconds=i)).isoformat()
        commentaire = " ".join(rng.sample(PHRASES, 2)) if rng.random() < 0.2 else ""
        doc = {
            "horodatage": quand,
            "critere": critere,
            "evaluateur": evaluateur,
            "valeur": rng.choice(["A", "A", "A", "ECA", "NA", "NO"]),
            "commentaire": commentaire,
        }
        reponses[f"{critere}|{evaluateur}"] = doc
        evenements[f"{i + 2:012d}"] = {
            "quand": quand, "qui": evaluateur, "quoi": "reponses", "evaluation": entete["id"],
            "cle": f"{critere}|{evaluateur}", "ancien": None, "nouveau": doc, "pourquoi": None,
        }  # fmt: skip
    tables = {"evaluation": {"evaluation": entete}, "evenements": evenements, "reponses": reponses}
    chemin = Path("evaluations") / entete["candidat"]["reference"] / f"{entete['id']}.json"
    return chemin, encode_snapshot(tables, PAR_EVALUATION + 1), entete


def remplir(dossier: Path, de: int, jusqua: int, index: dict[str, Any]) -> None:
    """Add evaluations ``de``..``jusqua - 1`` as snapshot files, and rewrite the system index."""
    from storage.format import encode_snapshot

    rng = random.Random(de)
    for numero in range(de, jusqua):
        chemin, contenu, entete = _shard(numero, rng)
        (dossier / chemin).parent.mkdir(parents=True, exist_ok=True)
        (dossier / chemin).write_bytes(contenu)
        index[entete["id"]] = entete
    (dossier / "systeme.json").write_bytes(encode_snapshot({"index": index}, 1))
    os.sync()


# --- measurement in a fresh process -----------------------------------------------


async def mesurer(dossier: str, evaluations: int, tour: int = 0) -> dict[str, Any]:
    """Start-up and durable writes in this process; ``tour`` makes each run's writes new ones."""
    from flows.evaluation import Reponse
    from flows.store import Ecriture
    from referentiel import CodeValeur
    from storage.disk import open_store

    debut = time.perf_counter()
    store = await open_store(dossier)
    demarrage = time.perf_counter() - debut
    rng = random.Random(1)
    actives = [f"ev-C{n:06d}-1" for n in rng.sample(range(evaluations), EVALUATIONS_ACTIVES)]
    for ev in actives:
        await store.dossier(ev)  # in use: loaded once, as for an évaluateur at work
    durees = []
    for i in range(ECRITURES):
        reponse = Reponse(
            critere=f"B2.C{i % 9 + 1}.{i // 9 % 9 + 1}",
            evaluateur=("u-expert", "u-interne")[i % 2],
            valeur=CodeValeur.A,
            commentaire=PHRASES[i % 5] if i % 5 == 0 else "",
            horodatage=T0 + timedelta(days=1 + tour, seconds=i),
        )
        t = time.perf_counter_ns()
        resultat = await store.enregistrer(
            actives[i % len(actives)], reponse, par=reponse.evaluateur
        )
        durees.append((time.perf_counter_ns() - t) / 1e6)
        assert resultat is Ecriture.APPLIQUEE, resultat  # every timed write is a real one
    await store.fermer()
    return {
        "startup_s": demarrage,
        "p50_ms": statistics.median(durees),
        "p99_ms": _percentile(durees, 99),
        "max_ms": max(durees),
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _mesurer_dans_un_processus(dossier: Path, evaluations: int, *, tour: int) -> dict[str, Any]:
    code = (
        "import asyncio, json; from benchmarks.bench_store import mesurer; "
        f"print(json.dumps(asyncio.run(mesurer({str(dossier)!r}, {evaluations}, {tour}))))"
    )
    sortie = subprocess.run(
        [sys.executable, "-c", code], cwd=RACINE, capture_output=True, text=True, check=True
    )
    return dict(json.loads(sortie.stdout.strip().splitlines()[-1]))


# --- anchors ------------------------------------------------------------------------


def sqlite_full(dossier: Path, n: int = 600) -> list[float]:
    connexion = sqlite3.connect(dossier / "ancre.sqlite", isolation_level=None)
    connexion.execute("PRAGMA journal_mode=WAL")
    connexion.execute("PRAGMA synchronous=FULL")
    connexion.execute("CREATE TABLE IF NOT EXISTS reponses (cle TEXT PRIMARY KEY, doc TEXT)")
    durees = []
    for i in range(n):
        doc = json.dumps({"critere": f"B1.C1.{i}", "valeur": "A", "commentaire": PHRASES[i % 5]})
        t = time.perf_counter_ns()
        connexion.execute("BEGIN")
        connexion.execute("INSERT OR REPLACE INTO reponses VALUES (?, ?)", (f"k{i}", doc))
        connexion.execute("COMMIT")
        durees.append((time.perf_counter_ns() - t) / 1e6)
    connexion.close()
    return durees


def append_fsync(dossier: Path, n: int = 600) -> list[float]:
    fd = os.open(dossier / "ancre.journal", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    ligne = (
        json.dumps({"critere": "B1.C1.1", "valeur": "A", "commentaire": PHRASES[0]}) + "\n"
    ).encode()
    durees = []
    for _ in range(n):
        t = time.perf_counter_ns()
        os.write(fd, ligne)
        os.fsync(fd)
        durees.append((time.perf_counter_ns() - t) / 1e6)
    os.close(fd)
    return durees


# --- crash soak ---------------------------------------------------------------------


def soak(essais: int) -> dict[str, Any]:
    """Kill a writer at random instants ``essais`` times; check every acked write after each."""
    from tests.enfant_store import cle

    rng = random.Random(50)
    acquittes: list[int] = []
    pertes = 0
    with tempfile.TemporaryDirectory() as dossier:
        for _ in range(essais):
            commande = [
                sys.executable,
                "-m",
                "tests.enfant_store",
                dossier,
                "boucle",
                f"{len(acquittes)}",
            ]
            proc = subprocess.Popen(
                commande, cwd=RACINE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            time.sleep(0.35 + rng.random() * 0.5)
            proc.send_signal(signal.SIGKILL)
            sortie, _ = proc.communicate(timeout=60)
            acquittes += [
                int(ligne.split()[1]) for ligne in sortie.splitlines() if ligne.startswith("acked ")
            ]
            stockes = asyncio.run(_stockes(dossier))
            pertes += len({cle(n) for n in acquittes} - stockes)
    return {"trials": essais, "acked_writes": len(acquittes), "lost_acked_writes": pertes}


async def _stockes(dossier: str) -> set[tuple[str, str, str]]:
    from storage.disk import open_store

    store = await open_store(dossier, verification="complet")
    out: set[tuple[str, str, str]] = set()
    for ev in await store.evaluations():
        d = await store.dossier(ev.id)
        assert d is not None
        out |= {(ev.id, r.critere, r.evaluateur) for r in d.reponses}
    await store.fermer()
    return out


# --- main ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark de l'écriture durable d'une réponse.")
    parser.add_argument(
        "--quick", action="store_true", help="jusqu'à 100 000 réponses, moins de 30 s"
    )
    parser.add_argument(
        "--check", action="store_true", help="code de sortie 1 si une cible est manquée"
    )
    args = parser.parse_args(argv)
    tailles = [1_000, 10_000, 100_000] if args.quick else [1_000, 10_000, 100_000, 1_000_000]

    figures: dict[str, Any] = {
        "write_p50_ms": {},
        "write_p99_ms": {},
        "write_max_ms": {},
        "startup_s_by_n": {},
    }
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        dossier = Path(tmp)
        ancres = dossier / "ancres"
        ancres.mkdir()
        # One data directory per N, all filled first; then rounds that measure every N in
        # turn, so that a slow moment of the machine does not land on one N only.
        dossiers: dict[int, tuple[Path, int]] = {}
        for n in tailles:
            donnees = dossier / f"donnees-{n}"
            (donnees / "evaluations").mkdir(parents=True)
            evaluations = max(EVALUATIONS_ACTIVES, n // PAR_EVALUATION)
            remplir(donnees, 0, evaluations, {})
            dossiers[n] = (donnees, evaluations)
        _mesurer_dans_un_processus(*dossiers[tailles[0]], tour=-1)  # warm-up (older writes)
        mesures: dict[int, list[dict[str, Any]]] = {n: [] for n in tailles}
        sqlite_p50, append_p50 = [], []
        for tour in range(REPETITIONS):
            for n in tailles:
                mesures[n].append(_mesurer_dans_un_processus(*dossiers[n], tour=tour))
            sqlite_p50.append(statistics.median(sqlite_full(ancres)))
            append_p50.append(statistics.median(append_fsync(ancres)))
        for n in tailles:
            mesure = {k: statistics.median(m[k] for m in mesures[n]) for k in mesures[n][0]}
            mesure["max_ms"] = max(m["max_ms"] for m in mesures[n])
            mesure["rss_mb"] = max(m["rss_mb"] for m in mesures[n])
            cle = str(n)
            figures["write_p50_ms"][cle] = round(mesure["p50_ms"], 4)
            figures["write_p99_ms"][cle] = round(mesure["p99_ms"], 4)
            figures["write_max_ms"][cle] = round(mesure["max_ms"], 4)
            figures["startup_s_by_n"][cle] = round(mesure["startup_s"], 4)
            print(
                f"N={n:>9,}  write p50 {mesure['p50_ms']:.3f} ms  p99 {mesure['p99_ms']:.3f} ms  "
                f"max {mesure['max_ms']:.3f} ms  start-up {mesure['startup_s']:.3f} s  "
                f"RSS {mesure['rss_mb']:.0f} MB",
                flush=True,
            )
        figures["startup_s"] = round(mesure["startup_s"], 4)
        figures["rss_mb"] = round(mesure["rss_mb"], 1)
        figures["largest_n"] = tailles[-1]
        figures["data_mb"] = round(
            sum(p.stat().st_size for p in dossiers[tailles[-1]][0].rglob("*") if p.is_file()) / 1e6,
            1,
        )

    figures["sqlite_full_p50_ms"] = round(statistics.median(sqlite_p50), 4)
    figures["fsync_append_p50_ms"] = round(statistics.median(append_p50), 4)
    petit, grand = (
        figures["write_p50_ms"][str(tailles[0])],
        figures["write_p50_ms"][str(tailles[-1])],
    )
    figures["flat_ratio"] = round(grand / petit, 3)
    figures["sqlite_ratio"] = round(grand / figures["sqlite_full_p50_ms"], 3)
    figures["fsync_append_ratio"] = round(grand / figures["fsync_append_p50_ms"], 3)
    figures["crash_soak"] = soak(6 if args.quick else 50)
    figures["targets"] = CIBLES
    atteint = {
        "flat_ratio": figures["flat_ratio"] <= CIBLES["flat_ratio"],
        "sqlite_ratio": figures["sqlite_ratio"] <= CIBLES["sqlite_ratio"],
        "p99_ms": max(figures["write_p99_ms"].values()) <= CIBLES["p99_ms"],
        "startup_s": figures["startup_s"] <= CIBLES["startup_s"],
        "rss_mb": figures["rss_mb"] <= CIBLES["rss_mb"],
        "no_acked_write_lost": figures["crash_soak"]["lost_acked_writes"] == 0,
    }
    figures["targets_met"] = atteint
    figures["quick"] = args.quick

    RESULTATS.parent.mkdir(parents=True, exist_ok=True)
    nom = RESULTATS.with_name("store_quick.json") if args.quick else RESULTATS
    nom.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    resume = [
        "sqlite_full_p50_ms", "fsync_append_p50_ms", "flat_ratio", "sqlite_ratio",
        "fsync_append_ratio", "startup_s", "rss_mb", "data_mb", "crash_soak", "targets_met",
    ]  # fmt: skip
    for cle_figure in resume:
        print(f"{cle_figure:<20} {figures[cle_figure]}")
    print(f"-> {nom}")
    return 0 if all(atteint.values()) or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
