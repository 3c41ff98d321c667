"""Slack through real signed HTTP requests into the server and a loopback fake of the Web API."""

from __future__ import annotations

import json
import time
from pathlib import Path

from tests.slack.outils import COORD, EXPERT, INTRUS, slack, textes_de


async def test_url_verification_answers_the_challenge(tmp_path: Path) -> None:
    async with slack(tmp_path) as s:
        reponse = await s.poster(
            json.dumps({"token": "x", "challenge": "defi-123", "type": "url_verification"}),
            "application/json",
        )
        assert reponse.status == 200 and "defi-123" in await reponse.text()
        sante = await (await s.client.get("/healthz")).json()
        assert sante["canaux"]["slack"] is True


async def test_a_bad_signature_or_a_stale_timestamp_is_a_401_with_no_effect(tmp_path: Path) -> None:
    async with slack(tmp_path) as s:
        s.faux.appels.clear()
        corps = "command=/cqp&text=nouvelle&user_id=UCOORD01&channel_id=C1&trigger_id=1.t"
        assert (
            await s.poster(corps, "application/x-www-form-urlencoded", secret="faux")
        ).status == 401
        vieux = int(time.time()) - 6 * 60
        assert (
            await s.poster(corps, "application/x-www-form-urlencoded", horodatage=vieux)
        ).status == 401
        assert s.faux.appels == []
        assert await s.service.store.evaluations() == []


async def test_a_lookup_by_slash_command_is_an_ephemeral_readable_answer(tmp_path: Path) -> None:
    async with slack(tmp_path) as s:
        reponse = await s.commande(INTRUS, "critere accueil")
        assert reponse.status == 200
        await s.attendre(lambda: any(a.methode.startswith("response_url") for a in s.faux.appels))
        [envoi] = [a.args for a in s.faux.appels if a.methode.startswith("response_url")]
        assert envoi["response_type"] == "ephemeral"
        assert "B1.C1.1" in textes_de(envoi) or "accueil" in textes_de(envoi).lower()
        assert all(b["type"] != "input" for b in envoi["blocks"])


async def test_nouvelle_opens_the_creation_modal_for_a_coordinateur_only(tmp_path: Path) -> None:
    async with slack(tmp_path) as s:
        await s.commande(COORD, "nouvelle")
        await s.attendre(lambda: bool(s.faux.de("views.open")))
        [ouverture] = s.faux.de("views.open")
        vue = ouverture["view"]
        assert vue["type"] == "modal" and vue["callback_id"] == "cqp-formulaire"
        assert {b["block_id"] for b in vue["blocks"] if b["type"] == "input"} >= {
            "candidat_nom", "candidat_reference", "bloc", "evaluateur_1", "evaluateur_2",
        }  # fmt: skip

        # The modal is titled by what it asks, and nothing else is posted where it was typed
        # (found when tried as a Slack user would: an empty message in the channel).
        assert vue["title"]["text"] == "Nouvelle évaluation"
        assert not [a for a in s.faux.appels if a.methode.startswith("response_url")]

        await s.commande(EXPERT, "nouvelle")
        await s.attendre(
            lambda: len([a for a in s.faux.appels if a.methode.startswith("response_url")]) >= 1
        )
        assert len(s.faux.de("views.open")) == 1  # no modal for a non-coordinateur


async def test_socket_mode_receives_a_slash_command_and_acks_its_envelope(tmp_path: Path) -> None:
    """Without a public address: events come over the WebSocket apps.connections.open gives."""
    async with slack(tmp_path) as s:
        assert s.canal is not None
        liaison = s.canal.socket_mode("xapp-1-A0CQP-test")
        await liaison.connect_async()  # type: ignore[no-untyped-call]
        try:
            await s.attendre(lambda: s.faux.socket is not None)
            assert s.faux.socket is not None
            await s.faux.socket.send_json({
                "envelope_id": "env-1", "type": "slash_commands", "accepts_response_payload": True,
                "payload": {
                    "token": "x", "team_id": "T0CQP", "channel_id": "C0GENERAL",
                    "user_id": INTRUS, "command": "/cqp", "text": "critere accueil",
                    "api_app_id": "A0CQP", "trigger_id": "1.socket",
                    "response_url": s.faux.url_reponse("socket-1"),
                },
            })  # fmt: skip
            await s.attendre(
                lambda: any(a.get("envelope_id") == "env-1" for a in s.faux.acquittements)
            )
            await s.attendre(lambda: bool(s.faux.de("response_url:socket-1")))
            [envoi] = s.faux.de("response_url:socket-1")
            assert envoi["response_type"] == "ephemeral" and "B1.C1.1" in textes_de(envoi)
        finally:
            await liaison.close_async()  # type: ignore[no-untyped-call]
