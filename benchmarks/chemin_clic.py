"""Measure: which of our files and which locks one Slack click on « A » goes through.

The real server and the fake Slack API of the Slack tests, an evaluation created and its
grid opened; then one click on a critère's value is traced, from the signed request to the
follow-up ``chat.update`` / ``chat.postMessage``: every function of ours that runs is noted
by file (``sys.setprofile``), and every ``asyncio.Lock`` taken, by the place in our code
that takes it and its key (one key, one lock). Prints both and writes
benchmarks/results/chemin_clic.json.

Run: ``python -m benchmarks.chemin_clic``.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path
from types import FrameType
from typing import Any

from flows.messages import FormEvent, Origin
from flows.notation import Aller, Noter
from tests.slack.outils import COORD, EXPERT, INTERNE, RESULTATS, Slack, slack, textes_de

RACINE = Path(__file__).resolve().parents[1]
PAQUETS = ("bot", "flows", "storage", "referentiel")
RESULTATS_JSON = Path(__file__).parent / "results" / "chemin_clic.json"
EV = "ev-C042-B1"
DM = f"D{EXPERT}"
MESSAGE = {"channel": DM, "ts": "1700000000.000001", "blocks": []}


def _notre(chemin: str) -> str | None:
    """The file's path in the repository when it is one of our packages' modules."""
    try:
        relatif = Path(chemin).resolve().relative_to(RACINE)
    except ValueError:
        return None
    return str(relatif) if relatif.parts and relatif.parts[0] in PAQUETS else None


async def _preparer(s: Slack) -> None:
    valeurs = {
        "candidat_nom": "Jeanne Martin", "candidat_reference": "C042", "bloc": "B1",
        "evaluateur_1": EXPERT, "role_1": "expert_habilite",
        "evaluateur_2": INTERNE, "role_2": "expert_interne", "destination": RESULTATS,
    }  # fmt: skip
    origine = Origin(channel="slack", conversation=f"D{COORD}", user=COORD)
    await s.service.handle(
        FormEvent(origin=origine, request_id="creation", form="nouvelle", values=valeurs)
    )
    await s.cliquer_valeur(
        EXPERT, MESSAGE, "cqp:0.0", Aller(evaluation=EV, action="reprendre").pack()
    )
    await s.attendre(lambda: any("B1.C1.1 —" in textes_de(m) for m in s.messages_a(DM)))


async def mesurer() -> dict[str, Any]:
    fichiers: Counter[str] = Counter()
    verrous: Counter[str] = Counter()
    acquerir = asyncio.Lock.acquire

    async def acquire(self: asyncio.Lock) -> bool:
        cadre: FrameType | None = sys._getframe(1)
        while cadre is not None and _notre(cadre.f_code.co_filename) is None:
            cadre = cadre.f_back
        if cadre is not None:
            cle = cadre.f_locals.get("cle") if cadre.f_code.co_name == "hold" else None
            ou = f"{_notre(cadre.f_code.co_filename)}:{cadre.f_code.co_name}"
            verrous[f"{ou} {cle}" if cle else ou] += 1
        return await acquerir(self)

    def profil(cadre: FrameType, evenement: str, _: Any) -> None:
        if evenement == "call" and (fichier := _notre(cadre.f_code.co_filename)) is not None:
            fichiers[fichier] += 1

    with tempfile.TemporaryDirectory(prefix="chemin-clic-") as dossier:
        async with slack(Path(dossier)) as s:
            await _preparer(s)
            avant = len(s.faux.appels)
            a = Noter(evaluation=EV, critere="B1.C1.1", valeur="A").pack()
            asyncio.Lock.acquire = acquire  # type: ignore[method-assign,assignment]
            sys.setprofile(profil)
            try:
                await s.cliquer_valeur(EXPERT, MESSAGE, "cqp:4.0", a)
                await s.attendre(lambda: any("B1.C1.2 —" in textes_de(m) for m in s.recus(DM)))
                await asyncio.sleep(0.05)  # the sending task's last calls
            finally:
                sys.setprofile(None)
                asyncio.Lock.acquire = acquerir  # type: ignore[method-assign]
            appels = [a.methode for a in s.faux.appels[avant:]]
    return {
        "files": len(fichiers),
        "files_by_calls": dict(fichiers.most_common()),
        "locks": len(verrous),
        "lock_acquisitions": sum(verrous.values()),
        "locks_taken": dict(verrous),
        "slack_api_calls": appels,
    }


def main() -> int:
    figures = asyncio.run(mesurer())
    print(f"A click on « A » crosses {figures['files']} files of ours:")
    for fichier, n in figures["files_by_calls"].items():
        print(f"  {n:5d} calls  {fichier}")
    n, fois = figures["locks"], figures["lock_acquisitions"]
    print(f"and takes {n} locks, {fois} times (where, key: times):")
    for ou, n in figures["locks_taken"].items():
        print(f"  {n:5d}  {ou}")
    print(f"Slack API calls: {', '.join(figures['slack_api_calls'])}")
    RESULTATS_JSON.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    print(f"-> {RESULTATS_JSON}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
