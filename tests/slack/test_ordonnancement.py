"""Slack under load: requests go through one at a time, the Web API calls after them."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest

from bot.slack import channel as module
from bot.slack.channel import SlackChannel
from flows.notation import Noter
from storage import files
from tests.slack.outils import EXPERT, INTRUS, Slack, slack
from tests.slack.test_robustesse import EV, MESSAGE, _commencer


def _canal(s: Slack) -> SlackChannel:
    assert s.canal is not None
    return s.canal


def _requete_a_la_porte(s: Slack) -> SlackChannel:
    """The channel, with a request at its gate (as ``endpoint`` counts it)."""
    canal = _canal(s)
    requete = asyncio.get_running_loop().create_future()  # stands for the request's task
    canal._requetes.add(requete)  # type: ignore[arg-type]
    canal._sans_requete.clear()
    return canal


async def _bientot(tache: asyncio.Future[Any], delai: float = 1.0) -> Any:
    return await asyncio.wait_for(asyncio.shield(tache), delai)


async def test_a_web_api_call_waits_for_the_requests_in_the_gate(tmp_path: Path) -> None:
    async with slack(tmp_path) as s:
        canal = _requete_a_la_porte(s)
        tour = asyncio.ensure_future(canal._tour_d_appel())
        await asyncio.sleep(0.05)
        assert not tour.done()
        for requete in list(canal._requetes):
            canal._hors_du_compte(requete)
        canal._appel_termine(await _bientot(tour))


async def test_a_web_api_call_is_never_starved_by_requests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module, "ATTENTE_MAX_ENVOI", 0.05)
    async with slack(tmp_path) as s:
        canal = _requete_a_la_porte(s)
        canal._appel_termine(await _bientot(asyncio.ensure_future(canal._tour_d_appel())))


async def test_calls_start_in_order_two_at_once_and_more_once_they_wait_on_slack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module, "ENVOI_EN_ATTENTE_S", 0.05)
    async with slack(tmp_path) as s:
        canal = _canal(s)
        premier = await canal._tour_d_appel()
        ordre: list[int] = []

        async def appel(i: int) -> int:
            numero = await canal._tour_d_appel()
            ordre.append(i)
            return numero

        suivants = [asyncio.ensure_future(appel(i)) for i in range(3)]
        await asyncio.sleep(0.01)
        # A second call is sent while the first waits for Slack; a third waits for one of
        # them to end, or for the newest to be under way ENVOI_EN_ATTENTE_S.
        assert ordre == [0]
        canal._appel_termine(premier)
        numeros = [await _bientot(t) for t in suivants]
        assert ordre == [0, 1, 2]
        for numero in numeros:
            canal._appel_termine(numero)
        # Two calls under way long enough are waiting on Slack: the next one does not wait.
        lents = [await canal._tour_d_appel(), await canal._tour_d_appel()]
        await asyncio.sleep(0.06)
        canal._appel_termine(await _bientot(asyncio.ensure_future(canal._tour_d_appel()), 0.02))
        for numero in lents:
            canal._appel_termine(numero)


async def test_a_request_stuck_in_the_gate_holds_the_others_back_a_bounded_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module, "ATTENTE_MAX_PORTE", 0.05)
    async with slack(tmp_path) as s:
        canal = _canal(s)
        await canal._porte.acquire()  # a request that does not end
        try:
            reponse = await asyncio.wait_for(s.ecrire("UNOBODY", "aide"), 2)
            assert reponse.status == 200
        finally:
            canal._porte.release()


async def test_a_request_waiting_on_the_disk_lets_the_next_one_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A slow fsync (a busy disk) of one évaluateur's answer must not hold everyone's clicks:
    # once an append was slow, the next ones wait in a worker thread (storage.disque).
    monkeypatch.setattr(module, "ATTENTE_MAX_PORTE", 60.0)  # no going in anyway: only the fix
    async with slack(tmp_path) as s:
        await _commencer(s)
        s.service.store._disque.mesure(1.0)  # type: ignore[attr-defined]
        dans_le_fsync, disque_libre = threading.Event(), threading.Event()
        ajouter = files.append_durable

        def disque_lent(chemin: Path, ligne: bytes, durable: bool = True) -> None:
            if durable and EV in chemin.name:
                dans_le_fsync.set()
                disque_libre.wait(30)
            ajouter(chemin, ligne, durable)

        monkeypatch.setattr(files, "append_durable", disque_lent)
        a = Noter(evaluation=EV, critere="B1.C1.1", valeur="A").pack()
        clic = asyncio.ensure_future(s.cliquer_valeur(EXPERT, MESSAGE, "cqp:4.0", a))
        try:
            while not dans_le_fsync.is_set():
                await asyncio.sleep(0.01)
            # The click waits on the disk; someone else's request goes through meanwhile,
            # and a Web API call starts at once (well before ATTENTE_MAX_ENVOI).
            assert (await asyncio.wait_for(s.ecrire(INTRUS, "aide"), 10)).status == 200
            canal = _canal(s)
            appel = asyncio.ensure_future(canal._tour_d_appel())
            canal._appel_termine(await _bientot(appel, module.ATTENTE_MAX_ENVOI / 3))
            assert not clic.done()
        finally:
            disque_libre.set()
        assert (await asyncio.wait_for(clic, 10)).status == 200
        dossier = await s.service.store.dossier(EV)
        assert dossier is not None and [r.critere for r in dossier.reponses] == ["B1.C1.1"]
