"""Killed at any instant, the store keeps every acknowledged answer, whole.

A child process (tests/enfant_store.py) writes answers and prints « acked N »
once each write is durable; it is killed with SIGKILL — by itself at a chosen
file operation, or by the parent at a random instant. The store is then
opened again and must hold every acked write, possibly the one write that was
in flight (whole, never partial), and nothing else.
"""

from __future__ import annotations

import asyncio
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storage import open_store
from tests.enfant_store import cle

RACINE_PROJET = Path(__file__).resolve().parents[1]


def _enfant(dossier: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.enfant_store", str(dossier), *args],
        cwd=RACINE_PROJET,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _acquittes(sortie: str) -> list[int]:
    return [int(ligne.split()[1]) for ligne in sortie.splitlines() if ligne.startswith("acked ")]


async def _stockes(dossier: Path) -> set[tuple[str, str, str]]:
    """Every answer in the store, read back in full (a partial record would fail validation)."""
    store = await open_store(dossier, verification="complet")
    try:
        out = set()
        for ev in await store.evaluations():
            dossier_ev = await store.dossier(ev.id)
            assert dossier_ev is not None
            out |= {(ev.id, r.critere, r.evaluateur) for r in dossier_ev.reponses}
        return out
    finally:
        await store.fermer()


def _verifier(acquittes: list[int], stockes: set[tuple[str, str, str]]) -> None:
    assert acquittes == list(range(len(acquittes))), "acks are in order"
    attendus = {cle(n) for n in acquittes}
    en_vol = cle(len(acquittes))
    assert attendus <= stockes, f"lost acknowledged writes: {sorted(attendus - stockes)[:5]}"
    assert stockes - attendus <= {en_vol}, f"unexpected records: {sorted(stockes - attendus)[:5]}"


@pytest.mark.parametrize(
    "operation", ["ecriture_moitie", "apres_ecriture", "apres_fsync", "apres_replace"]
)
@pytest.mark.parametrize("rang", [1, 4, 13])
async def test_killed_at_a_file_operation_the_store_keeps_every_acknowledged_write(
    tmp_path: Path, operation: str, rang: int
) -> None:
    proc = _enfant(tmp_path, "point", operation, str(rang))
    sortie, erreurs = proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL, erreurs
    _verifier(_acquittes(sortie), await _stockes(tmp_path))


async def test_killed_at_random_instants_the_store_keeps_every_acknowledged_write(
    tmp_path: Path,
) -> None:
    """Soak: killed and restarted a few times here (the benchmark does it 50 times)."""
    rng = random.Random(2026)
    acquittes: list[int] = []
    for _ in range(4):
        proc = _enfant(tmp_path, "boucle", str(len(acquittes)))
        await asyncio.sleep(0.6 + rng.random() * 0.8)
        proc.send_signal(signal.SIGKILL)
        sortie, erreurs = proc.communicate(timeout=60)
        nouveaux = _acquittes(sortie)
        assert nouveaux, erreurs
        acquittes += nouveaux
        _verifier(acquittes, await _stockes(tmp_path))
    assert len(acquittes) > 40


def test_the_child_is_killed_not_stopped(tmp_path: Path) -> None:
    """Guard: a child that ended by itself would prove nothing about crashes."""
    proc = _enfant(tmp_path, "point", "apres_fsync", "2")
    debut = time.monotonic()
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert time.monotonic() - debut < 60
