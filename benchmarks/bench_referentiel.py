"""Benchmark: loading the référentiel and looking critères up.

Targets (issue "Foundation"): load < 50 ms, search p99 < 2 ms on a 2-core
machine. ``load_ms`` is the median of fresh loads — read, parse, validate,
check — plus building the search index, i.e. what a process pays once at
start-up. Search runs 1,000 varied queries once each on a fresh index (codes,
prefixes, words with and without accents, typos, several words, words that
match nothing), so the per-word cache helps only where a person would repeat
a word too.

The anchor, measured in the same run: parsing the same YAML file with libyaml
alone (what any loader must pay) and one rapidfuzz scan of the vocabulary (the
smallest unit of a fuzzy lookup). Ratios to them are stable across noisy
machines; absolute figures are not.

Run: ``make bench`` or ``python -m benchmarks.bench_referentiel [--check]``.
Writes benchmarks/results/referentiel.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml
from rapidfuzz import process
from rapidfuzz.distance import OSA

from referentiel import DEFAULT_FILE, Referentiel, SearchIndex, load
from referentiel.text import strip_accents, words

RESULTATS = Path(__file__).parent / "results" / "referentiel.json"
CIBLE_LOAD_MS = 50.0
CIBLE_SEARCH_P99_MS = 2.0


def _ms(fn: Callable[[], object], repetitions: int) -> list[float]:
    out = []
    for _ in range(repetitions):
        debut = time.perf_counter_ns()
        fn()
        out.append((time.perf_counter_ns() - debut) / 1e6)
    return out


def _percentile(valeurs: list[float], p: float) -> float:
    return statistics.quantiles(valeurs, n=1000, method="inclusive")[int(p * 10) - 1]


def _faute(mot: str, rng: random.Random) -> str:
    """One typo as people make them: two letters swapped, one missing, one wrong."""
    if len(mot) < 4:
        return mot
    i = rng.randrange(1, len(mot) - 1)
    genre = rng.choice(("echange", "oubli", "erreur"))
    if genre == "echange":
        return mot[:i] + mot[i + 1] + mot[i] + mot[i + 2 :]
    if genre == "oubli":
        return mot[:i] + mot[i + 1 :]
    return mot[:i] + rng.choice("aeiourstln") + mot[i + 1 :]


def requetes(ref: Referentiel, n: int = 1000, graine: int = 20261127) -> list[str]:
    """``n`` varied queries drawn from the référentiel itself, reproducibly."""
    rng = random.Random(graine)
    ids = list(ref.identifiants())
    textes = [c.libelle for c in ref.criteres()] + [c.libelle for c in ref.competences()]
    vocabulaire = sorted(
        {m for t in textes for m in t.split() if len(words(m)) == 1 and len(m) > 4}
    )
    out: list[str] = []
    while len(out) < n:
        tirage = rng.random()
        if tirage < 0.15:
            ident = rng.choice(ids)
            out.append(ident.lower() if rng.random() < 0.5 else ident)
        elif tirage < 0.20:
            out.append(rng.choice(["B1.C", "B2.C", "b3.c", "B4.C1.", "B1.C9", "B7", "B2.C3.8"]))
        elif tirage < 0.55:
            mot = rng.choice(vocabulaire).strip(".,;:()")
            mot = strip_accents(mot) if rng.random() < 0.5 else mot
            out.append(_faute(mot, rng) if rng.random() < 0.35 else mot)
        elif tirage < 0.90:
            texte = rng.choice(textes).split()
            debut = rng.randrange(0, max(1, len(texte) - 3))
            morceau = " ".join(texte[debut : debut + rng.randint(2, 3)])
            out.append(strip_accents(morceau) if rng.random() < 0.5 else morceau)
        else:
            out.append("".join(rng.choice("bcdfgjkmpqvwxz") for _ in range(rng.randint(5, 9))))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark du chargement et de la recherche.")
    parser.add_argument(
        "--check", action="store_true", help="code de sortie 1 si une cible est manquée"
    )
    args = parser.parse_args(argv)

    texte = DEFAULT_FILE.read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    anchor_parse = _ms(lambda: yaml.load(texte, Loader=loader), 20)
    charges = _ms(lambda: SearchIndex(load(DEFAULT_FILE)), 20)

    ref = load()
    recherche = SearchIndex(ref)
    vocabulaire = sorted({m for c in ref.criteres() for m in words(c.libelle)})
    anchor_scan = _ms(
        lambda: process.extract("acceuil", vocabulaire, scorer=OSA.distance, score_cutoff=1), 200
    )
    liste = requetes(ref)
    durees = []
    trouves = 0
    for q in liste:
        debut = time.perf_counter_ns()
        resultats = recherche.search(q)
        durees.append((time.perf_counter_ns() - debut) / 1e6)
        trouves += bool(resultats)

    load_ms = statistics.median(charges)
    p99 = _percentile(durees, 99)
    parse_ms = statistics.median(anchor_parse)
    scan_ms = statistics.median(anchor_scan)
    atteint = load_ms < CIBLE_LOAD_MS and p99 < CIBLE_SEARCH_P99_MS
    figures: dict[str, object] = {
        "load_ms": round(load_ms, 3),
        "search_p50_ms": round(statistics.median(durees), 4),
        "search_p99_ms": round(p99, 4),
        "search_max_ms": round(max(durees), 4),
        "queries": len(liste),
        "queries_with_results": trouves,
        "anchor_yaml_parse_ms": round(parse_ms, 3),
        "anchor_vocabulary_scan_ms": round(scan_ms, 4),
        "load_vs_yaml_parse": round(load_ms / parse_ms, 2),
        "search_p99_vs_vocabulary_scan": round(p99 / scan_ms, 2),
        "targets": {"load_ms": CIBLE_LOAD_MS, "search_p99_ms": CIBLE_SEARCH_P99_MS},
        "targets_met": atteint,
    }

    RESULTATS.parent.mkdir(parents=True, exist_ok=True)
    RESULTATS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    largeur = max(len(k) for k in figures)
    for cle, valeur in figures.items():
        print(f"{cle:<{largeur}}  {valeur}")
    print(f"-> {RESULTATS}")
    return 0 if atteint or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
