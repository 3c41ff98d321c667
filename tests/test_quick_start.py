"""The README's run command, the way a newcomer runs it: a fresh clone, ``make run``, a browser.

The clone is of the committed tree (what a newcomer gets); ``make run``
creates its own virtual environment and installs the locked dependencies,
then starts the demo. The page must be served within 60 seconds.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]
DELAI = 60.0


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _readme_run_command() -> str:
    """The quick start's first command, read from the README (so the test follows it)."""
    texte = (RACINE / "README.md").read_text(encoding="utf-8")
    bloc = re.search(r"## Quick start.*?```sh\n(.*?)```", texte, re.S)
    assert bloc is not None, "README has no quick start block"
    commandes = [ligne.split("#")[0].strip() for ligne in bloc.group(1).splitlines()]
    return next(c for c in commandes if c)


def test_the_readme_run_command_serves_the_chat_in_a_fresh_clone_within_60_s(
    tmp_path: Path,
) -> None:
    commande = _readme_run_command()
    assert commande == "make run"
    clone = tmp_path / "cqp-bot"
    subprocess.run(["git", "clone", "--quiet", str(RACINE), str(clone)], check=True)
    port = _port_libre()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "CQP_"))}
    env["CQP_PORT"] = str(port)
    debut = time.monotonic()
    processus = subprocess.Popen(
        commande.split(), cwd=clone, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    page = ""
    try:
        while time.monotonic() - debut < DELAI:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as reponse:
                    page = reponse.read().decode()
                    break
            except OSError:
                assert processus.poll() is None, processus.communicate()[0].decode()[-2000:]
                time.sleep(0.5)
        ecoule = time.monotonic() - debut
    finally:
        os.killpg(processus.pid, signal.SIGINT)
        sortie = processus.communicate(timeout=30)[0].decode()
    assert "<title>cqp-bot" in page, sortie[-2000:]
    assert ecoule < DELAI
    assert "cqp-bot est prêt" in sortie and "Démonstration prête" in sortie
    assert (clone / "data" / "utilisateurs.yaml").exists()  # the demo workspace, in ./data
