"""Benchmark: évaluateurs scoring bloc 1 in Slack, through the real server and a fake Slack API.

Each click is a signed ``block_actions`` request into ``cqp-bot serve``'s application
(slack-bolt on aiohttp), each compétence's précisions a signed ``message.im`` event; 10,000
evaluations are already stored (1,000 with ``--quick``). Measured per request: the ack (the HTTP
response, after the durable write) and the follow-up (the ``chat.update`` / ``chat.postMessage``
the fake Slack API receives). Errors (a non-200 ack, a follow-up that never comes) are counted,
not fatal.

Two loads, in this order (issue 16):

- **Paced**, judged: 100 évaluateurs (20 with ``--quick``), ten times the branche's peak, each
  pausing PAUSE_HUMAINE_S ± half (at random) between seeing an answer and the next click — how
  people use it. Targets: ack p99 ≤ 50 ms, follow-up p99 ≤ 100 ms, no error. Three runs; the
  median of each figure is judged.
- **Closed loop**, the capacity: 50 évaluateurs (10 with ``--quick``) each clicking the instant
  the previous follow-up arrives, which keeps the server saturated. Floor: ≥ 100 answers/s on
  this two-core machine. Three runs, alternated with the anchor: a minimal slack-bolt app on the
  same aiohttp server that only acks — the framework's own cost, reported beside it.

Also reported per run: the CPU each answer costs the server process and the server's garbage
collection (its time per answer and its longest pause).

Run: ``python -m benchmarks.bench_slack [--quick] [--check]``; with ``BENCH_PROFIL=FILE`` the
server process runs under cProfile while the évaluateurs score, and writes its statistics to FILE.
Writes benchmarks/results/slack.json (slack_quick.json with --quick), figures under ``paced``
and ``closed_loop``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import hashlib
import hmac
import json
import os
import random
import re
import resource
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp import ClientSession, web

from benchmarks.bench_store import remplir
from benchmarks.resultats import publier

RESULTATS = Path(__file__).parent / "results" / "slack.json"
RACINE = Path(__file__).resolve().parents[1]
SECRET = "benchmark-signing-secret-0123456789"
CIBLES = {"paced_ack_p99_ms": 50.0, "paced_followup_p99_ms": 100.0, "paced_errors": 0}
MINIMUMS = {"closed_loop_answers_per_s": 100.0}
PAR_TOUR = (
    ("ack_p99_ms", "ack_p99"), ("followup_p99_ms", "suite_p99"), ("answers_per_s", "par_s"),
    ("server_cpu_ms_per_answer", "cpu_serveur"),
)  # fmt: skip
"""What each run's line of the JSON holds, and from which figure of ``mesurer``."""
EVALUATEURS_AU_PAS = 100
"""The paced runs: 10 × the branche's peak (about ten évaluateurs scoring at once)."""
EVALUATEURS_EN_BOUCLE = 50
PAUSE_HUMAINE_S = 1.0
"""The paced runs' mean pause between seeing an answer and clicking the next value (± half)."""


class FauxSlack:
    """The Web API answering at once, and noting when each DM received a call."""

    def __init__(self) -> None:
        self.recus: dict[tuple[str, str], list[float]] = defaultdict(list)
        self.signal: dict[str, asyncio.Event] = defaultdict(asyncio.Event)
        self.n = 0

    async def api(self, request: web.Request) -> web.Response:
        methode = request.match_info["methode"]
        donnees: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            donnees.update(await request.json())
        else:
            donnees.update(await request.post())
        self.n += 1
        canal = str(donnees.get("channel") or "")
        if methode in ("chat.update", "chat.postMessage"):
            self.recus[(canal, methode)].append(time.perf_counter())
            self.signal[canal].set()
        if methode == "conversations.open":
            return web.json_response({"ok": True, "channel": {"id": f"D{donnees['users']}"}})
        if methode == "auth.test":
            return web.json_response({"ok": True, "user_id": "UBOT", "bot_id": "B", "team_id": "T"})
        return web.json_response({"ok": True, "ts": f"{self.n}.0", "channel": canal})


async def _demarrer(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    hote, port = runner.addresses[0][:2]
    return runner, f"http://{hote}:{port}"


def _signer(corps: str) -> dict[str, str]:
    ts = str(int(time.time()))
    signature = hmac.new(SECRET.encode(), f"v0:{ts}:{corps}".encode(), hashlib.sha256)
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={signature.hexdigest()}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


def _clic(utilisateur: str, valeur: str, n: int) -> str:
    payload = {
        "type": "block_actions", "user": {"id": utilisateur}, "api_app_id": "A", "token": "x",
        "team": {"id": "T"}, "trigger_id": f"{n}.t", "channel": {"id": f"D{utilisateur}"},
        "container": {"type": "message", "message_ts": f"{n}.1", "channel_id": f"D{utilisateur}",
                      "is_ephemeral": False},
        "actions": [{"action_id": "cqp:4.0", "block_id": "b", "value": valeur, "type": "button",
                     "action_ts": f"{time.time():.6f}{n}"}],
        "response_url": "http://127.0.0.1:9/reponse",
    }  # fmt: skip
    return urlencode({"payload": json.dumps(payload)})


def _message(utilisateur: str, texte: str, n: int) -> str:
    return json.dumps({
        "token": "x", "team_id": "T", "api_app_id": "A", "type": "event_callback",
        "event_id": f"Ev{utilisateur}{n}", "event_time": int(time.time()),
        "event": {"type": "message", "channel": f"D{utilisateur}", "user": utilisateur,
                  "text": texte, "ts": f"{n}.2", "channel_type": "im", "client_msg_id": f"m{n}"},
    })  # fmt: skip


async def _evaluateur(
    session: ClientSession, url: str, faux: FauxSlack, utilisateur: str, evaluation: str,
    acks: list[float], suites: list[float], attendre_suite: bool, pause: float = 0.0,
    erreurs: list[str] | None = None,
) -> int:  # fmt: skip
    """One évaluateur scoring bloc 1: each critère then each compétence's précisions.

    With ``pause``, a pause of ``pause`` ± half (at random) before each click or message.
    """
    from flows.notation import Aller, Noter
    from referentiel import default

    canal = f"D{utilisateur}"
    reponses = 0
    erreurs = [] if erreurs is None else erreurs
    hasard = random.Random(utilisateur)

    async def envoyer(corps: str, entetes: dict[str, str], methode: str) -> None:
        if pause:
            await asyncio.sleep(hasard.uniform(pause / 2, pause * 3 / 2))
        avant = len(faux.recus[(canal, methode)])
        faux.signal[canal].clear()
        t = time.perf_counter()
        async with session.post(url, data=corps.encode(), headers=entetes) as reponse:
            await reponse.read()
            if reponse.status != 200:
                erreurs.append(f"{canal}: HTTP {reponse.status}")
        acks.append((time.perf_counter() - t) * 1000)
        if not attendre_suite:
            return
        while len(faux.recus[(canal, methode)]) <= avant:
            try:
                await asyncio.wait_for(faux.signal[canal].wait(), 10)
            except TimeoutError:
                erreurs.append(f"{canal}: no {methode} within 10 s")
                return
            faux.signal[canal].clear()
        suites.append((faux.recus[(canal, methode)][avant] - t) * 1000)

    n = 0
    debut = Aller(evaluation=evaluation, action="reprendre").pack()
    corps = _clic(utilisateur, debut, n)
    await envoyer(corps, _signer(corps), "chat.postMessage")
    acks.pop()
    if suites:
        suites.pop()
    for competence in default().blocs[0].competences:
        for critere in competence.criteres:
            n += 1
            corps = _clic(
                utilisateur, Noter(evaluation=evaluation, critere=critere.id, valeur="A").pack(), n
            )
            await envoyer(corps, _signer(corps), "chat.update")
            reponses += 1
        n += 1
        corps = _message(utilisateur, f"{competence.id} : mise en œuvre constatée.", n)
        entetes = {**_signer(corps), "Content-Type": "application/json"}
        await envoyer(corps, entetes, "chat.postMessage")
        reponses += 1
    return reponses


async def servir(dossier: str, evaluateurs: int, plancher: bool, tour: int, api: str) -> None:
    """The server under test, in its own process (Slack is elsewhere): prints its address."""
    from datetime import UTC, datetime

    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.memory import settle_memory
    from bot.server import create_app, service_for
    from bot.slack.channel import SlackChannel
    from bot.slack.settings import SlackSettings
    from bot.web.annuaire import Annuaire
    from flows.evaluation import Candidat, Evaluateur, Evaluation
    from referentiel import RoleEvaluateur
    from storage import open_store

    store = await open_store(dossier)
    for i, u in enumerate(_utilisateurs(evaluateurs, plancher, tour)):
        ev = Evaluation(
            id=_evaluation(i, plancher, tour), candidat=Candidat(nom="Candidat", reference="R"),
            bloc="B1", coordinateurs=("UCOORD",), horodatage=datetime.now(UTC),
            evaluateurs=(
                Evaluateur(utilisateur=u, nom=u, role=RoleEvaluateur.EXPERT_HABILITE),
                Evaluateur(utilisateur=f"{u}X", nom=u, role=RoleEvaluateur.EXPERT_INTERNE),
            ),
        )  # fmt: skip
        await store.creer(ev, par="UCOORD")
    if plancher:
        bolt = AsyncApp(
            signing_secret=SECRET, client=AsyncWebClient(token="xoxb-bench", base_url=api)
        )

        @bolt.action(re.compile(".*"))
        async def _ack(ack: Any) -> None:
            await ack()

        @bolt.event("message")
        async def _rien(ack: Any) -> None:
            await ack()

        async def point(request: web.Request) -> web.Response:
            reponse = await bolt.async_dispatch(await to_bolt_request(request))
            return await to_aiohttp_response(reponse)

        app = web.Application()
        app.router.add_post("/slack/events", point)
    else:
        reglages = SlackSettings(bot_token="xoxb-bench", signing_secret=SECRET, api_base_url=api)
        service = service_for(store, Annuaire())
        canal = SlackChannel(service, reglages)
        app = create_app(service, Annuaire(), Path(dossier), local=True, canaux=(canal,))
    runner, url = await _demarrer(app)
    settle_memory()  # as ``cqp-bot serve`` does once started
    pauses = _Pauses()
    profil = _profileur(plancher)
    avant, fils_avant = _cpu(), _cpu_par_fil()
    print(url, flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until the bench ends
    fils = _cpu_par_fil()
    pauses.arreter()
    if profil is not None:
        profil.disable()
        profil.dump_stats(os.environ["BENCH_PROFIL"])
    principal = threading.main_thread().native_id
    repartition = {"main_user": 0.0, "main_system": 0.0, "others_user": 0.0, "others_system": 0.0}
    for fil, (user, system) in fils.items():
        u0, s0 = fils_avant.get(fil, (0.0, 0.0))
        qui = "main" if fil == principal else "others"
        repartition[f"{qui}_user"] += user - u0
        repartition[f"{qui}_system"] += system - s0
    # The server's CPU seconds under the load, then their split by thread (Linux only).
    print(json.dumps({"total": _cpu() - avant, **repartition, **pauses.figures()}), flush=True)
    await runner.cleanup()
    await store.fermer()


class _Pauses:
    """The cyclic garbage collector's pauses in this process while it is recorded."""

    def __init__(self) -> None:
        self.durees: list[float] = []
        self._debut = 0.0
        gc.callbacks.append(self._rappel)

    def _rappel(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._debut = time.perf_counter()
        else:
            self.durees.append(time.perf_counter() - self._debut)

    def arreter(self) -> None:
        gc.callbacks.remove(self._rappel)

    def figures(self) -> dict[str, float]:
        """Seconds in all (per answer later, as the CPU) and the longest pause, in ms."""
        return {"gc": sum(self.durees), "gc_pause_max_ms": max(self.durees, default=0.0) * 1000}


def _profileur(plancher: bool) -> Any:
    """cProfile over the load only (not start-up) when ``BENCH_PROFIL`` names a file."""
    if plancher or not os.environ.get("BENCH_PROFIL"):
        return None
    import cProfile

    profil = cProfile.Profile()
    profil.enable()
    return profil


def _cpu() -> float:
    """CPU seconds (user + system) this process has used so far, all its threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _cpu_par_fil() -> dict[int, tuple[float, float]]:
    """CPU seconds (user, system) of each of this process's threads, by id; empty if unknown."""
    tic = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    fils: dict[int, tuple[float, float]] = {}
    try:
        taches = os.listdir("/proc/self/task")
    except OSError:
        return fils
    for tache in taches:
        try:
            with open(f"/proc/self/task/{tache}/stat") as f:
                champs = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        fils[int(tache)] = (int(champs[11]) / tic, int(champs[12]) / tic)  # utime, stime
    return fils


def _utilisateurs(evaluateurs: int, plancher: bool, tour: int) -> list[str]:
    """Fresh évaluateurs and evaluations at each run: every grid starts empty."""
    return [f"UB{tour}{int(plancher)}{i:03d}" for i in range(evaluateurs)]


def _evaluation(i: int, plancher: bool, tour: int) -> str:
    return f"ev-B{tour}{int(plancher)}{i:03d}-B1"


async def mesurer(
    dossier: str, evaluateurs: int, plancher: bool, tour: int, pause: float = 0.0
) -> dict[str, float]:
    """One run: the fake Slack API and the évaluateurs here, the server in another process."""
    faux = FauxSlack()
    api = web.Application()
    api.router.add_route("*", "/api/{methode}", faux.api)
    runner_api, url_api = await _demarrer(api)
    api_url = url_api + "/api/"
    code = (
        "import asyncio; from benchmarks.bench_slack import servir; "
        f"asyncio.run(servir({dossier!r}, {evaluateurs}, {plancher}, {tour}, {api_url!r}))"
    )
    serveur = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, cwd=RACINE, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert serveur.stdout is not None and serveur.stdin is not None
    url = (await asyncio.wait_for(serveur.stdout.readline(), 120)).decode().strip()
    utilisateurs = _utilisateurs(evaluateurs, plancher, tour)
    acks: list[float] = []
    suites: list[float] = []
    erreurs: list[str] = []
    # This process stands for Slack and its users: its own garbage collections (tens of ms
    # each, with what set-up left) would be counted as the server's latency. None meanwhile.
    gc.collect()
    gc.disable()
    debut, cpu_ici = time.perf_counter(), _cpu()
    try:
        async with ClientSession() as session:
            reponses = await asyncio.gather(*(
                _evaluateur(session, f"{url}/slack/events", faux, u,
                            _evaluation(i, plancher, tour), acks, suites, not plancher, pause,
                            erreurs)
                for i, u in enumerate(utilisateurs)
            ))  # fmt: skip
    finally:
        gc.enable()
    duree, cpu_ici = time.perf_counter() - debut, _cpu() - cpu_ici
    serveur.stdin.close()
    cpu = json.loads((await asyncio.wait_for(serveur.stdout.readline(), 60)).decode())
    cpu_serveur = cpu.pop("total")
    pause_max = cpu.pop("gc_pause_max_ms")
    await serveur.wait()
    await runner_api.cleanup()
    return {
        "ack_p50": statistics.median(acks), "ack_p99": _p99(acks),
        "suite_p50": statistics.median(suites) if suites else 0.0,
        "suite_p99": _p99(suites) if suites else 0.0, "par_s": sum(reponses) / duree,
        # CPU per answer: the server's, and this process's (the robots and the fake Slack).
        "cpu_serveur": cpu_serveur * 1000 / sum(reponses),
        "cpu_banc": cpu_ici * 1000 / sum(reponses),
        **{f"cpu_{cle}": secondes * 1000 / sum(reponses) for cle, secondes in cpu.items()},
        "gc_pause_max": pause_max, "erreurs": len(erreurs),
    }  # fmt: skip


def _p99(durees: list[float]) -> float:
    return statistics.quantiles(durees, n=100, method="inclusive")[98]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark de Slack : des évaluateurs, un bloc 1.")
    parser.add_argument("--quick", action="store_true", help="1 000 évaluations, moins de monde")
    parser.add_argument(
        "--check", action="store_true", help="code de sortie 1 si une cible est manquée"
    )
    args = parser.parse_args(argv)
    evaluations = 1_000 if args.quick else 10_000
    au_pas, en_boucle = (20, 10) if args.quick else (EVALUATEURS_AU_PAS, EVALUATEURS_EN_BOUCLE)
    tours = 1 if args.quick else 3
    with tempfile.TemporaryDirectory(prefix="bench-slack-") as tmp:
        remplir(Path(tmp), evaluations=evaluations)
        # The paced runs first: people at 10 × the branche's peak, each pausing as a person.
        au_rythme = [
            asyncio.run(mesurer(tmp, au_pas, False, 10 + tour, PAUSE_HUMAINE_S))
            for tour in range(tours)
        ]
        # Then the closed loop, the capacity, alternated with the floor (a bolt app that only
        # acks) for the same load: medians, the machine is noisy.
        mesures, planchers = [], []
        for tour in range(tours):
            planchers.append(asyncio.run(mesurer(tmp, en_boucle, True, tour)))
            mesures.append(asyncio.run(mesurer(tmp, en_boucle, False, tour)))

    def resume(runs: list[dict[str, float]]) -> dict[str, Any]:
        return {
            "ack_p50_ms": round(statistics.median(m["ack_p50"] for m in runs), 2),
            "ack_p99_ms": round(statistics.median(m["ack_p99"] for m in runs), 2),
            "followup_p50_ms": round(statistics.median(m["suite_p50"] for m in runs), 2),
            "followup_p99_ms": round(statistics.median(m["suite_p99"] for m in runs), 2),
            "answers_per_s": round(statistics.median(m["par_s"] for m in runs), 1),
            "errors": int(sum(m["erreurs"] for m in runs)),
            "runs": [{cle: round(m[source], 2) for cle, source in PAR_TOUR} for m in runs],
        }

    figures: dict[str, Any] = {
        "evaluations_stored": evaluations,
        "paced": {"evaluateurs": au_pas, "pause_s": PAUSE_HUMAINE_S, **resume(au_rythme)},
        "closed_loop": {
            "evaluateurs": en_boucle,
            **resume(mesures),
            "floor_ack_p50_ms": round(statistics.median(m["ack_p50"] for m in planchers), 2),
            "server_cpu_ms_per_answer": round(
                statistics.median(m["cpu_serveur"] for m in mesures), 2
            ),
            "server_cpu_ms_per_answer_by_thread": {
                cle: round(statistics.median(m[f"cpu_{cle}"] for m in mesures), 2)
                for cle in ("main_user", "main_system", "others_user", "others_system")
            },
            "server_gc_ms_per_answer": round(statistics.median(m["cpu_gc"] for m in mesures), 2),
            "server_gc_pause_max_ms": round(max(m["gc_pause_max"] for m in mesures), 1),
        },
    }
    # The figures the targets judge, side by side with the rest.
    figures["paced_ack_p99_ms"] = figures["paced"]["ack_p99_ms"]
    figures["paced_followup_p99_ms"] = figures["paced"]["followup_p99_ms"]
    figures["paced_errors"] = figures["paced"]["errors"]
    figures["closed_loop_answers_per_s"] = figures["closed_loop"]["answers_per_s"]
    return publier(figures, CIBLES, RESULTATS, args.quick, args.check, MINIMUMS)


if __name__ == "__main__":
    sys.exit(main())
