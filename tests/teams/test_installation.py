"""Setting Teams up: the app package, the settings, the development mode, the server command."""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import socket
import struct
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestClient, TestServer
from microsoft_agents.hosting.core.authorization import AnonymousTokenProvider

from bot.cli import main
from bot.server import create_app, service_for
from bot.teams.channel import TeamsChannel
from bot.teams.settings import TeamsSettings
from bot.web.annuaire import Annuaire
from storage import open_store
from tests.teams.faux_connecteur import FauxConnecteur
from tests.teams.outils import APP_ID, EXPERT, TENANT, conversation_de

RACINE = Path(__file__).resolve().parents[2]


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, " ".join((out + err).split())


def _taille_png(donnees: bytes) -> tuple[int, int]:
    assert donnees[:8] == b"\x89PNG\r\n\x1a\n"
    largeur, hauteur = struct.unpack(">II", donnees[16:24])
    return largeur, hauteur


def test_the_teams_package_is_ready_to_upload(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sortie = tmp_path / "cqp.zip"
    code, out = _run(
        capsys, "teams", "paquet", "--app-id", APP_ID, "--url", "https://cqp.mutuelle.example/",
        "--sortie", str(sortie),
    )  # fmt: skip
    assert code == 0 and "Charger une application" in out
    with zipfile.ZipFile(io.BytesIO(sortie.read_bytes())) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifeste = json.loads(archive.read("manifest.json"))
        assert _taille_png(archive.read("color.png")) == (192, 192)
        assert _taille_png(archive.read("outline.png")) == (32, 32)
    assert "{{" not in json.dumps(manifeste)
    assert manifeste["id"] == APP_ID and manifeste["bots"][0]["botId"] == APP_ID
    assert manifeste["validDomains"] == ["cqp.mutuelle.example"]
    assert manifeste["developer"]["privacyUrl"].startswith("https://cqp.mutuelle.example")
    bot = manifeste["bots"][0]
    assert set(bot["scopes"]) == {"personal", "team", "groupChat"}
    assert bot["supportsFiles"] is True  # the jury's export is a file the bot sends
    # Teams' limits: short name 30, short description 80, full 4,000, 10 commands a list.
    assert len(manifeste["name"]["short"]) <= 30
    assert len(manifeste["description"]["short"]) <= 80
    assert len(manifeste["description"]["full"]) <= 4000
    for liste in bot["commandLists"]:
        assert len(liste["commands"]) <= 10
        assert all(
            len(c["title"]) <= 32 and len(c["description"]) <= 128 for c in liste["commands"]
        )
    assert "critere" in {c["title"] for c in bot["commandLists"][0]["commands"]}


def test_the_package_refuses_an_id_or_an_address_it_cannot_use(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sortie = tmp_path / "cqp.zip"
    code, out = _run(capsys, "teams", "paquet", "--app-id", APP_ID, "--url", "http://x.example",
                     "--sortie", str(sortie))  # fmt: skip
    assert code == 2 and "CQP_PUBLIC_URL" in out and not sortie.exists()
    code, out = _run(capsys, "teams", "paquet", "--app-id", "mon-bot", "--url",
                     "https://x.example", "--sortie", str(sortie))  # fmt: skip
    assert code == 2 and "TEAMS_APP_ID" in out and not sortie.exists()
    ailleurs = tmp_path / "absent" / "cqp.zip"
    code, out = _run(capsys, "teams", "paquet", "--app-id", APP_ID, "--url",
                     "https://x.example", "--sortie", str(ailleurs))  # fmt: skip
    assert code == 2 and "le dossier n'existe pas" in out and "Traceback" not in out


@pytest.mark.parametrize(
    ("variables", "attendu"),
    [
        ({"TEAMS_APP_ID": APP_ID, "TEAMS_TENANT_ID": TENANT}, "TEAMS_APP_PASSWORD"),
        ({"TEAMS_APP_ID": APP_ID, "TEAMS_APP_PASSWORD": "motdepasse-secret"}, "TEAMS_TENANT_ID"),
        ({"TEAMS_APP_PASSWORD": "motdepasse-secret"}, "TEAMS_APP_ID"),
        ({"TEAMS_APP_ID": "mon-bot"}, "TEAMS_APP_ID"),
        (
            {"TEAMS_APP_ID": APP_ID, "TEAMS_TENANT_ID": TENANT,
             "TEAMS_APP_PASSWORD": "motdepasse-secret", "TEAMS_COORDINATEURS": "claire"},
            "TEAMS_COORDINATEURS",
        ),
        ({"TEAMS_DEV_SANS_AUTH": "1", "CQP_HOST": "0.0.0.0"}, "TEAMS_DEV_SANS_AUTH"),
        (
            {"TEAMS_DEV_SANS_AUTH": "1", "TEAMS_APP_ID": APP_ID, "TEAMS_TENANT_ID": TENANT,
             "TEAMS_APP_PASSWORD": "motdepasse-secret"},
            "ne se combine pas",
        ),
    ],
)  # fmt: skip
def test_missing_or_malformed_teams_settings_stop_the_server_naming_the_variable(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    variables: dict[str, str],
    attendu: str,
) -> None:
    for nom, valeur in variables.items():
        monkeypatch.setenv(nom, valeur)
    code, out = _run(capsys, "serve", "--dossier", str(tmp_path), "--port", "0")
    assert code == 2 and attendu in out and "Traceback" not in out
    assert "motdepasse-secret" not in out  # a secret is never printed whole
    assert not (tmp_path / ".verrou.pid").exists()  # the store was never opened


async def test_the_development_mode_needs_no_token_on_loopback(tmp_path: Path) -> None:
    faux = FauxConnecteur(jeton_attendu=None)  # the emulator: calls without a token
    serveur_faux = TestServer(faux.app(), host="127.0.0.1")
    await serveur_faux.start_server()
    store = await open_store(tmp_path)
    settings = TeamsSettings(dev_sans_auth=True)
    service = service_for(store, Annuaire())
    canal = TeamsChannel(service, settings, jetons=AnonymousTokenProvider())
    client: TestClient[Any, Any] = TestClient(
        TestServer(create_app(service, Annuaire(), tmp_path, local=True, canaux=(canal,)))
    )
    await client.start_server()
    try:
        activite = {
            "type": "message", "id": "dev-1", "channelId": "msteams", "text": "critere accueil",
            "serviceUrl": str(serveur_faux.make_url("/teams/")),
            "from": {"id": "29:x", "aadObjectId": EXPERT, "name": "Karim"},
            "conversation": {"id": conversation_de(EXPERT), "conversationType": "personal"},
            "recipient": {"id": "28:bot", "name": "cqp-bot"},
        }  # fmt: skip
        reponse = await client.post("/api/messages", json=activite)
        assert reponse.status == 202
        assert "ccueil" in faux.dernier(conversation_de(EXPERT)).texte
        sante = await (await client.get("/healthz")).json()
        assert sante["canaux"]["teams"] is True
    finally:
        await client.close()
        await store.fermer()
        await serveur_faux.close()


async def test_cqp_bot_serve_mounts_teams_and_refuses_an_unauthenticated_request(
    tmp_path: Path,
) -> None:
    with socket.socket() as libre:
        libre.bind(("127.0.0.1", 0))
        port = str(libre.getsockname()[1])
    environnement = {
        **os.environ, "CQP_PORT": port, "CQP_DATA_DIR": str(tmp_path),
        "TEAMS_APP_ID": APP_ID, "TEAMS_TENANT_ID": TENANT,
        "TEAMS_APP_PASSWORD": "motdepasse-secret",
        "TEAMS_OPENID_URL": "http://127.0.0.1:9/v1/.well-known/openidconfiguration",
    }  # fmt: skip
    environnement.pop("SLACK_BOT_TOKEN", None)
    processus = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "from bot.cli import main; raise SystemExit(main())",
        "serve", cwd=tmp_path, env=environnement,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    assert processus.stdout is not None
    lignes: list[str] = []
    try:
        async with asyncio.timeout(60):
            while not any("prêt" in ligne for ligne in lignes):
                ligne = (await processus.stdout.readline()).decode()
                assert ligne, "".join(lignes)
                lignes.append(ligne)
        assert any("Microsoft Teams : activé (POST /api/messages)" in ligne for ligne in lignes)
        url = next(ligne for ligne in lignes if "prêt" in ligne).split("ouvrez ")[1].split()[0]
        async with ClientSession() as session:
            async with session.get(url + "/healthz") as reponse:
                assert (await reponse.json())["canaux"]["teams"] is True
            activite = {"type": "message", "text": "aide", "serviceUrl": "https://x.example/"}
            async with session.post(url + "/api/messages", json=activite) as reponse:
                assert reponse.status == 401
    finally:
        processus.send_signal(signal.SIGTERM)
        await asyncio.wait_for(processus.wait(), 20)
