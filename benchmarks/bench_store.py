"""Benchmark: a durable answer write, whatever the amount already stored.

For each N (answers already stored: 1,000 / 10,000 / 100,000 / 1,000,000,
or up to 100,000 with ``--quick``), a fresh process opens the store
(start-up time, RSS), creates 8 evaluations of bloc 1 and scores them as
8 pairs of évaluateurs at work would — every answer of both grids, the
précisions after each compétence — timing each answer's ``enregistrer``,
durable when it returns; then it times 100 edits of an answer in complete
evaluations at rest (the largest files a click rewrites). Three such
processes per N, in rounds that measure every N in turn after a warm-up
run; the median of each figure is kept. Beside it, in the same run, the
anchors: SQLite in WAL mode with ``synchronous=FULL`` (one row per commit)
and a bare fsynced append. Ratios to them are what holds across machines.

The data is what the store itself writes for real evaluations: each
candidate has the 4 blocs, each bloc both grids with a comment on one answer
in five, the précisions, 4 entretiens per évaluateur, both submissions, and
an audit line for each record (made once through the store in memory, then
copied under each candidate's reference, to fill a million answers in
seconds rather than hours).

Then the crash soak: a writer killed with SIGKILL at random instants, 50
times (6 with ``--quick``); every acknowledged write must be there, and every
file readable.

Targets (issue 15): p50 ≤ 4 × SQLite FULL p50; p99 ≤ 10 ms; p50 at the
largest N ≤ 1.3 × p50 at 1,000; start-up ≤ 2 s and RSS ≤ 300 MB at the
largest N; no acknowledged write lost, no unreadable file.

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
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.resultats import publier

RESULTATS = Path(__file__).parent / "results" / "store.json"
RACINE = Path(__file__).resolve().parents[1]
EVALUATIONS_ACTIVES = 8
EDITIONS = 100
REPETITIONS = 3
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
MODELE = "XREFX"
"""The candidate reference of the template evaluations, replaced by each candidate's."""
PHRASES = [
    "Le candidat reformule avec précision la demande de l'adhérent.",
    "Quelques hésitations sur les garanties du contrat responsable.",
    "Bonne gestion du temps, mais la conclusion de l'entretien est abrupte.",
    "L'écoute active est manifeste ; la solution proposée reste à justifier.",
    "Procédure de traçabilité appliquée sans oubli dans l'outil CRM.",
]
CIBLES = {
    "sqlite_ratio": 4.0,
    "write_p99_ms_max": 10.0,
    "flat_ratio": 1.3,
    "startup_s": 2.0,
    "rss_mb": 300.0,
    "lost_acked_writes": 0,
    "unreadable_files": 0,
}


def _percentile(valeurs: list[float], p: int) -> float:
    return statistics.quantiles(valeurs, n=100, method="inclusive")[p - 1]


# --- data ------------------------------------------------------------------------------


def enregistrements(bloc: Any, evaluateur: str, rng: random.Random, depart: datetime) -> list[Any]:
    """What an évaluateur records for a bloc: every answer, the précisions, 4 entretiens."""
    from flows.evaluation import Entretien, Precisions, Reponse, Soumission
    from referentiel import Canal, CodeValeur

    quand = iter(depart + timedelta(seconds=s) for s in range(10_000))
    sortie: list[Any] = [
        Entretien(
            evaluateur=evaluateur, numero=n, date=date(2026, 10, 26 + n), canal=Canal.TELEPHONE,
            reel=n != 4, situation_difficile=n == 2, horodatage=next(quand),
        )
        for n in range(1, 5)
    ]  # fmt: skip
    for competence in bloc.competences:
        for critere in competence.criteres:
            valeur = rng.choice([CodeValeur.A] * 4 + [CodeValeur.ECA, CodeValeur.NA])
            commentaire = " ".join(rng.sample(PHRASES, 2)) if rng.random() < 0.2 else ""
            sortie.append(Reponse(critere=critere.id, evaluateur=evaluateur, valeur=valeur,
                                  commentaire=commentaire, horodatage=next(quand)))  # fmt: skip
        sortie.append(Precisions(competence=competence.id, evaluateur=evaluateur,
                                 texte=rng.choice(PHRASES), horodatage=next(quand)))  # fmt: skip
    sortie.append(Soumission(evaluateur=evaluateur, horodatage=next(quand)))
    return sortie


def evaluation(reference: str, bloc: str, suffixe: str = "") -> Any:
    from flows.evaluation import Candidat, Evaluateur, Evaluation
    from referentiel import RoleEvaluateur

    expert, interne = RoleEvaluateur.EXPERT_HABILITE, RoleEvaluateur.EXPERT_INTERNE
    return Evaluation(
        id=f"ev-{reference}-{bloc}{suffixe}",
        candidat=Candidat(nom=f"Candidat {reference}", reference=reference),
        bloc=bloc,
        evaluateurs=(
            Evaluateur(utilisateur="u-expert", nom="Amel Haddad", role=expert),
            Evaluateur(utilisateur="u-interne", nom="Paul Roche", role=interne),
        ),
        coordinateurs=("u-coord",),
        horodatage=T0,
    )


def _modeles() -> tuple[dict[str, bytes], bytes, int]:
    """The files of one candidate with the 4 blocs fully scored, as the store writes them."""
    from referentiel import default
    from storage import MemoryStore
    from storage.durable import encode

    async def ecrire() -> tuple[dict[str, bytes], bytes, int]:
        store = MemoryStore(clock=lambda: T0)
        rng, reponses = random.Random(4), 0
        for bloc in default().blocs:
            await store.creer(evaluation(MODELE, bloc.id), par="u-coord")
            for evaluateur in ("u-expert", "u-interne"):
                for element in enregistrements(bloc, evaluateur, rng, T0):
                    await store.enregistrer(f"ev-{MODELE}-{bloc.id}", element, par=evaluateur)
                    reponses += element.TABLE == "reponses"
        fichiers = {
            d.path.name: encode(d.storage.read())
            for d in store.databases.opened()
            if d.path.parent.name == "evaluations"
        }
        [index] = [d for d in store.databases.opened() if d.path.name == "candidat.json"]
        return fichiers, encode(index.storage.read()), reponses

    return asyncio.run(ecrire())


SEMAINES_DE_DONNEES = 6


def remplir(dossier: Path, reponses: int = 0, evaluations: int = 0) -> tuple[int, int]:
    """Candidates with their 4 blocs scored: ``reponses`` answers or ``evaluations`` at least.

    Returns (evaluations, answers) written.
    """
    fichiers, index, par_candidat = _modeles()
    candidats = max(1, -(-reponses // par_candidat), -(-evaluations // len(fichiers)))
    # Written over the weeks of a session, as real data is: start-up reads again the
    # summaries of the evaluations of the last minutes only (``storage.resumes``).
    debut = time.time() - SEMAINES_DE_DONNEES * 7 * 86_400
    for numero in range(candidats):
        reference = f"C{numero:06d}".encode()
        racine = dossier / "candidats" / reference.decode()
        (racine / "evaluations").mkdir(parents=True, exist_ok=True)
        ecrit = debut + numero / candidats * SEMAINES_DE_DONNEES * 7 * 86_400
        for nom, contenu in fichiers.items():
            chemin = racine / "evaluations" / nom.replace(MODELE, reference.decode())
            chemin.write_bytes(contenu.replace(MODELE.encode(), reference))
            os.utime(chemin, (ecrit, ecrit))
        (racine / "candidat.json").write_bytes(index.replace(MODELE.encode(), reference))
    os.sync()  # a server with this stored has not just written it: no flush under the timing
    return candidats * len(fichiers), candidats * par_candidat


# --- measurement in a fresh process -----------------------------------------------


async def mesurer(dossier: str, candidats: int, tour: int) -> dict[str, Any]:
    """Start-up, then the durable writes of 8 évaluateur pairs at work, then edits at rest."""
    from bot.memory import settle_memory
    from flows.evaluation import Reponse
    from flows.store import Ecriture
    from referentiel import CodeValeur, default
    from storage import open_store

    debut = time.perf_counter()
    store = await open_store(dossier)
    demarrage = time.perf_counter() - debut
    settle_memory()  # as ``cqp-bot serve`` does once the store is open
    bloc = default().blocs[0]
    rng = random.Random(tour)
    actives = [evaluation(f"C{n:06d}", "B1", f"-{tour}") for n in range(EVALUATIONS_ACTIVES)]
    for ev in actives:
        await store.creer(ev, par="u-coord")
    depart = T0 + timedelta(days=1 + tour)
    files_d_attente = [
        enregistrements(bloc, evaluateur, rng, depart)
        for _ in actives
        for evaluateur in ("u-expert", "u-interne")
    ]
    durees = []
    for rang in range(max(len(f) for f in files_d_attente)):
        for i, file in enumerate(files_d_attente):
            if rang < len(file):
                element = file[rang]
                t = time.perf_counter_ns()
                resultat = await store.enregistrer(
                    actives[i // 2].id, element, par=element.evaluateur
                )
                if element.TABLE == "reponses":
                    durees.append((time.perf_counter_ns() - t) / 1e6)
                assert resultat is Ecriture.APPLIQUEE, resultat  # every timed write is real
    editions = []
    criteres = [c.id for c in bloc.criteres]
    for i in range(EDITIONS):
        reference = f"C{rng.randrange(candidats):06d}"
        modifiee = Reponse(
            critere=rng.choice(criteres), evaluateur="u-expert", valeur=CodeValeur.NO,
            commentaire=PHRASES[i % 5], horodatage=depart + timedelta(hours=1, seconds=i),
        )  # fmt: skip
        t = time.perf_counter_ns()
        resultat = await store.enregistrer(f"ev-{reference}-B1", modifiee, par="u-expert")
        editions.append((time.perf_counter_ns() - t) / 1e6)
        assert resultat in {Ecriture.APPLIQUEE, Ecriture.INCHANGEE}, resultat
    taille = max(p.stat().st_size for p in Path(dossier).glob("candidats/*/evaluations/*.json"))
    await store.fermer()
    return {
        "startup_s": demarrage,
        "p50_ms": statistics.median(durees),
        "p99_ms": _percentile(durees, 99),
        "max_ms": max(durees),
        "edit_p50_ms": statistics.median(editions),
        "edit_p99_ms": _percentile(editions, 99),
        "largest_file_kb": taille / 1000,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _mesurer_dans_un_processus(dossier: Path, candidats: int, *, tour: int) -> dict[str, Any]:
    code = (
        "import asyncio, json; from benchmarks.bench_store import mesurer; "
        f"print(json.dumps(asyncio.run(mesurer({str(dossier)!r}, {candidats}, {tour}))))"
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
    from storage.errors import StoreError
    from tests.enfant_store import cle

    rng = random.Random(50)
    acquittes: list[int] = []
    pertes = illisibles = 0
    with tempfile.TemporaryDirectory() as dossier:
        for _ in range(essais):
            commande = [sys.executable, "-m", "tests.enfant_store", dossier, "boucle"]
            proc = subprocess.Popen(
                [*commande, f"{len(acquittes)}"], cwd=RACINE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
            time.sleep(0.35 + rng.random() * 0.5)
            proc.send_signal(signal.SIGKILL)
            sortie, _ = proc.communicate(timeout=60)
            acquittes += [
                int(ligne.split()[1]) for ligne in sortie.splitlines() if ligne.startswith("acked ")
            ]
            try:
                stockes = asyncio.run(_stockes(dossier))
            except StoreError:
                illisibles += 1
                continue
            pertes += len({cle(n) for n in acquittes} - stockes)
    return {"trials": essais, "acked_writes": len(acquittes), "lost_acked_writes": pertes,
            "unreadable_files": illisibles}  # fmt: skip


async def _stockes(dossier: str) -> set[tuple[str, str, str]]:
    from storage import open_store

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
    parser.add_argument("--quick", action="store_true", help="jusqu'à 100 000 réponses")
    parser.add_argument(
        "--check", action="store_true", help="code de sortie 1 si une cible est manquée"
    )
    args = parser.parse_args(argv)
    tailles = [1_000, 10_000, 100_000] if args.quick else [1_000, 10_000, 100_000, 1_000_000]

    figures: dict[str, Any] = {
        k: {} for k in ("write_p50_ms", "write_p99_ms", "write_max_ms", "edit_p50_ms",
                        "edit_p99_ms", "startup_s_by_n", "evaluations_by_n")
    }  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        ancres = Path(tmp) / "ancres"
        ancres.mkdir()
        # One data directory per N, all filled first; then rounds that measure every N in
        # turn, so that a slow moment of the machine does not land on one N only.
        dossiers: dict[int, tuple[Path, int]] = {}
        for n in tailles:
            donnees = Path(tmp) / f"donnees-{n}"
            evaluations, _ = remplir(donnees, reponses=n)
            dossiers[n] = (donnees, evaluations // 4)
            figures["evaluations_by_n"][str(n)] = evaluations
        _mesurer_dans_un_processus(*dossiers[tailles[0]], tour=-1)  # warm-up
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
            for figure, valeur in (("write_p50_ms", "p50_ms"), ("write_p99_ms", "p99_ms"),
                                   ("write_max_ms", "max_ms"), ("edit_p50_ms", "edit_p50_ms"),
                                   ("edit_p99_ms", "edit_p99_ms"),
                                   ("startup_s_by_n", "startup_s")):  # fmt: skip
                figures[figure][cle] = round(mesure[valeur], 4)
            print(
                f"N={n:>9,}  write p50 {mesure['p50_ms']:.3f} ms  p99 {mesure['p99_ms']:.3f} ms  "
                f"edit p50 {mesure['edit_p50_ms']:.3f} ms  start-up {mesure['startup_s']:.3f} s  "
                f"RSS {mesure['rss_mb']:.0f} MB",
                flush=True,
            )
        grand = dossiers[tailles[-1]][0]
        figures["largest_evaluation_file_kb"] = round(mesure["largest_file_kb"], 1)
        figures["data_mb"] = round(
            sum(p.stat().st_size for p in grand.rglob("*") if p.is_file()) / 1e6, 1
        )
    figures["startup_s"] = round(mesure["startup_s"], 4)
    figures["rss_mb"] = round(mesure["rss_mb"], 1)
    figures["largest_n"] = tailles[-1]
    figures["sqlite_full_p50_ms"] = round(statistics.median(sqlite_p50), 4)
    figures["fsync_append_p50_ms"] = round(statistics.median(append_p50), 4)
    petit = figures["write_p50_ms"][str(tailles[0])]
    grand_p50 = figures["write_p50_ms"][str(tailles[-1])]
    figures["flat_ratio"] = round(grand_p50 / petit, 3)
    figures["sqlite_ratio"] = round(grand_p50 / figures["sqlite_full_p50_ms"], 3)
    figures["edit_sqlite_ratio"] = round(
        figures["edit_p50_ms"][str(tailles[-1])] / figures["sqlite_full_p50_ms"], 3
    )
    figures["write_p99_ms_max"] = max(figures["write_p99_ms"].values())
    soak_figures = soak(6 if args.quick else 50)
    figures["crash_soak"] = soak_figures
    figures["lost_acked_writes"] = soak_figures["lost_acked_writes"]
    figures["unreadable_files"] = soak_figures["unreadable_files"]
    return publier(figures, CIBLES, RESULTATS, args.quick, args.check)


if __name__ == "__main__":
    sys.exit(main())
