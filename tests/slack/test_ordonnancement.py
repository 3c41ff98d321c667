"""Slack under load: the Web API calls are paced."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from bot.slack import channel as module
from bot.slack.channel import SlackChannel
from tests.slack.outils import Slack, slack


def _canal(s: Slack) -> SlackChannel:
    assert s.canal is not None
    return s.canal


async def _bientot(tache: asyncio.Future[Any], delai: float = 1.0) -> Any:
    return await asyncio.wait_for(asyncio.shield(tache), delai)


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
