"""``cqp-bot serve``, ``demo`` and ``users``: set-up mistakes end in French, nothing touched."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import main
from bot.demo import evaluation_de_demo, preparer_dossier
from bot.server import CHAT, WEB_DIR, create_app, service_for
from bot.web.access import Invitations, secret_key
from bot.web.annuaire import Annuaire
from storage import open_store
from tests.store_outils import reponse


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, " ".join((out + err).split())


def test_a_malformed_setting_stops_the_server_naming_the_variable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CQP_PORT", "huit-mille")
    code, out = _run(capsys, "serve", "--dossier", str(tmp_path))
    assert code == 2
    assert "CQP_PORT" in out and "huit-mille" in out and "Traceback" not in out
    assert not (tmp_path / ".verrou.pid").exists()  # the store was never opened


def test_a_damaged_users_file_stops_the_server_and_is_kept_as_it_is(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fichier = tmp_path / "utilisateurs.yaml"
    fichier.write_text("utilisateurs:\n  - {id: claire, nom: Claire, role: chef}\n")
    code, out = _run(capsys, "serve", "--dossier", str(tmp_path), "--port", "0")
    assert code == 2
    assert "utilisateurs.yaml" in out and "coordinateur, evaluateur ou admin" in out
    assert fichier.read_text() == "utilisateurs:\n  - {id: claire, nom: Claire, role: chef}\n"


def test_users_add_list_invite_and_revoke(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    d = str(tmp_path)
    code, out = _run(
        capsys,
        "users",
        "--dossier",
        d,
        "add",
        "claire",
        "--nom",
        "Claire Dubois",
        "--role",
        "coordinateur",
    )
    assert code == 0 and "claire (Claire Dubois, coordinateur)" in out
    code, out = _run(
        capsys, "users", "--dossier", d, "ajouter", "claire", "--nom", "Claire D.", "--role", "chef"
    )
    assert code == 2 and "valeur invalide pour « --role »" in out
    assert "Claire Dubois" in _run(capsys, "users", "--dossier", d, "list")[1]

    code, out = _run(
        capsys, "users", "--dossier", d, "invite", "claire", "--url", "https://cqp.mutuelle.example"
    )
    assert code == 0
    lien = re.search(r"https://cqp\.mutuelle\.example/connexion\?jeton=(\S+)", out)
    assert lien is not None
    invitations = Invitations(tmp_path / WEB_DIR, secret_key(tmp_path / WEB_DIR))
    assert invitations.verifier(lien.group(1)) is not None
    assert invitations.verifier(lien.group(1))[0] == "claire"  # type: ignore[index]
    code, out = _run(capsys, "users", "--dossier", d, "invite", "mallory")
    assert code == 2 and "mallory" in out

    code, out = _run(capsys, "users", "--dossier", d, "revoke", "claire")
    assert code == 0 and "sessions qu'ils ont ouvertes sont fermées" in out
    assert invitations.verifier(lien.group(1)) is None
    assert "rien à révoquer" in _run(capsys, "users", "--dossier", d, "revoke", "claire")[1]


def test_an_invitation_for_a_server_open_to_the_network_needs_its_public_address(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    d = str(tmp_path)
    _run(capsys, "users", "--dossier", d, "add", "karim", "--nom", "Karim", "--role", "evaluateur")
    monkeypatch.setenv("CQP_HOST", "0.0.0.0")
    code, out = _run(capsys, "users", "--dossier", d, "invite", "karim")
    assert code == 2 and "--url" in out and "CQP_PUBLIC_URL" in out
    monkeypatch.setenv("CQP_PUBLIC_URL", "https://cqp.mutuelle.example/")
    code, out = _run(capsys, "users", "--dossier", d, "invite", "karim")
    assert code == 0 and "https://cqp.mutuelle.example/connexion?jeton=" in out


def test_demo_refuses_a_directory_with_other_data_and_reset_erases_only_a_demo(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    reel = tmp_path / "reel"
    reel.mkdir()
    (reel / "precieux.json").write_text("{}")
    code, out = _run(capsys, "demo", "--dossier", str(reel), "--reset", "--port", "0")
    assert code == 2 and "autres données" in out
    assert (reel / "precieux.json").read_text() == "{}"


async def test_the_demo_workspace_is_kept_across_restarts_and_reset_starts_over(
    tmp_path: Path,
) -> None:
    async def demarrer(reset: bool) -> list[str]:
        preparer_dossier(tmp_path, tmp_path / "utilisateurs.yaml", reset=reset)
        annuaire = Annuaire.lire(tmp_path / "utilisateurs.yaml")
        store = await open_store(tmp_path)
        try:
            app = create_app(service_for(store, annuaire), annuaire, tmp_path, local=True)
            await evaluation_de_demo(app[CHAT])
            dossier = await store.dossier("ev-DEMO-001-B1")
            assert dossier is not None
            reponses = [r.critere for r in dossier.reponses]
            return [e.id for e in await store.evaluations()] + reponses
        finally:
            await store.fermer()

    assert await demarrer(reset=False) == ["ev-DEMO-001-B1"]
    store = await open_store(tmp_path)
    await store.enregistrer(
        "ev-DEMO-001-B1", reponse(0).model_copy(update={"evaluateur": "karim"}), par="karim"
    )
    await store.fermer()
    assert await demarrer(reset=False) == ["ev-DEMO-001-B1", "B1.C1.1"]  # kept
    assert await demarrer(reset=True) == ["ev-DEMO-001-B1"]  # started over


async def test_the_demo_shows_each_invitation_once_when_the_server_starts(
    tmp_path: Path,
) -> None:
    """The demo's creation is delivered, and noted as such, before the server starts: its
    start-up sends nothing again (found in review: every message of the demo came twice)."""
    from aiohttp import web

    from bot.demo import COORDINATRICE, EVALUATEURS

    preparer_dossier(tmp_path, tmp_path / "utilisateurs.yaml", reset=False)
    annuaire = Annuaire.lire(tmp_path / "utilisateurs.yaml")
    store = await open_store(tmp_path)
    app = create_app(service_for(store, annuaire), annuaire, tmp_path, local=True)
    chat = app[CHAT]
    await evaluation_de_demo(chat)
    personnes = (COORDINATRICE, *EVALUATEURS)
    avant = {p.id: len(chat.hub.fils(p.id)["prive"]) for p in personnes}
    runner = web.AppRunner(app)
    await runner.setup()  # the start-up: what a crash kept back would be sent now
    try:
        assert {p.id: len(chat.hub.fils(p.id)["prive"]) for p in personnes} == avant
        assert all(n == 1 for n in avant.values())
    finally:
        await runner.cleanup()
        await store.fermer()


@pytest.mark.parametrize(
    ("variables", "attendu"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-123-abc"}, "SLACK_SIGNING_SECRET"),
        (
            {"SLACK_BOT_TOKEN": "jeton-de-test", "SLACK_SIGNING_SECRET": "abcdefgh1234"},
            "SLACK_BOT_TOKEN",
        ),
        (
            {
                "SLACK_BOT_TOKEN": "xoxb-1",
                "SLACK_SIGNING_SECRET": "abcdefgh1",
                "SLACK_COORDINATEURS": "claire",
            },
            "SLACK_COORDINATEURS",
        ),
    ],
)
def test_missing_or_malformed_slack_settings_stop_the_server_naming_the_variable(
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
    assert "xoxb-123-abc" not in out  # a secret is never printed whole
    assert not (tmp_path / ".verrou.pid").exists()  # the store was never opened


def test_settings_left_empty_in_a_template_count_as_not_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.settings import load_settings
    from bot.slack.settings import load_slack_settings
    from bot.teams.settings import load_teams_settings

    for nom in (
        "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_RESULTS_CHANNEL", "SLACK_COORDINATEURS",
        "TEAMS_APP_ID", "TEAMS_TENANT_ID", "TEAMS_APP_PASSWORD", "CQP_PORT",
    ):  # fmt: skip
        monkeypatch.setenv(nom, "")
    assert not load_slack_settings().active  # « Slack : désactivé », not a refusal
    assert not load_teams_settings(loopback=True).active
    assert load_settings().port == 8080


def test_the_slack_manifest_declares_what_the_bot_listens_to() -> None:
    import yaml

    manifeste = yaml.safe_load((Path(__file__).parents[2] / "bot/slack/manifest.yml").read_text())
    assert [c["command"] for c in manifeste["features"]["slash_commands"]] == ["/cqp"]
    reglages = manifeste["settings"]
    assert set(reglages["event_subscriptions"]["bot_events"]) == {
        "app_home_opened",
        "message.im",
        "message.mpim",
    }
    assert reglages["interactivity"]["is_enabled"] is True
    for url in (
        reglages["event_subscriptions"]["request_url"],
        reglages["interactivity"]["request_url"],
        manifeste["features"]["slash_commands"][0]["url"],
    ):
        assert url.endswith("/slack/events")
    assert {"chat:write", "commands", "im:history", "im:write"} <= set(
        manifeste["oauth_config"]["scopes"]["bot"]
    )
