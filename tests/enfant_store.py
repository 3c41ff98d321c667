"""A child process for the crash tests: it writes answers and says « acked N » after each one.

Usage: ``python -m tests.enfant_store DOSSIER boucle DEBUT``
       ``python -m tests.enfant_store DOSSIER point OPERATION K``

``point`` kills the process (SIGKILL, like ``kill -9``) at the K-th call of a
file operation: half-way through ``os.write``, or right after ``os.write``,
``os.fsync`` or ``os.replace`` returns. ``boucle`` writes until the parent
kills it, starting at write DEBUT (after a previous run was killed). Write N
goes to a key of its own, so the parent can tell exactly which writes
survived; writing again the one that was in flight when a run was killed is
harmless (the store answers that it is unchanged).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

from flows.store import Ecriture
from storage import open_store
from tests.store_outils import evaluation, reponse

PAR_EVALUATION = 60  # 30 critères × 2 évaluateurs: every key once


def cle(n: int) -> tuple[str, str, str]:
    """(evaluation, critère, évaluateur) written by write number ``n``."""
    ev = evaluation(n // PAR_EVALUATION + 1)
    rep = reponse((n % PAR_EVALUATION) // 2, evaluateur=("u-expert", "u-interne")[n % 2])
    return ev.id, rep.critere, rep.evaluateur


def _mourir() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def pieger(operation: str, rang: int) -> None:
    """Replace an ``os`` function by one that kills the process at its ``rang``-th call."""
    nom = {
        "ecriture_moitie": "write",
        "apres_ecriture": "write",
        "apres_fsync": "fsync",
        "apres_replace": "replace",
    }[operation]
    vraie: Callable[..., Any] = getattr(os, nom)
    appels = 0

    def piege(*args: Any) -> Any:
        nonlocal appels
        appels += 1
        if appels == rang and operation == "ecriture_moitie":
            fd, donnees = args
            vraie(fd, bytes(donnees)[: max(1, len(donnees) // 2)])
            _mourir()
        resultat = vraie(*args)
        if appels == rang:
            _mourir()
        return resultat

    setattr(os, nom, piege)


async def ecrire(dossier: str, piege: tuple[str, int] | None, debut: int = 0) -> None:
    store = await open_store(dossier)
    if piege is not None:
        pieger(*piege)
    n = debut
    while True:
        evaluation_id, _, evaluateur = cle(n)
        if n % PAR_EVALUATION == 0 or n == debut:
            await store.creer(evaluation(n // PAR_EVALUATION + 1), par="u-coord")
        rep = reponse((n % PAR_EVALUATION) // 2, evaluateur=evaluateur)
        resultat = await store.enregistrer(evaluation_id, rep, par=evaluateur)
        assert resultat in {Ecriture.APPLIQUEE, Ecriture.INCHANGEE}
        print(f"acked {n}", flush=True)
        n += 1
        if piege is not None and n > 400:
            return


if __name__ == "__main__":
    dossier, mode = sys.argv[1], sys.argv[2]
    if mode == "point":
        asyncio.run(ecrire(dossier, (sys.argv[3], int(sys.argv[4]))))
    else:
        asyncio.run(ecrire(dossier, None, int(sys.argv[3])))
