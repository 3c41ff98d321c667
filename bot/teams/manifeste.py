"""The Teams app package: the manifest filled in for this bot, and its two icons, zipped.

Teams installs an app from a zip (``manifest.json``, a 192×192 colour icon,
a 32×32 outline icon). The manifest in ``bot/teams/manifest/`` names the
bot by placeholders; an administrator gets the package for their own Azure
registration and address with ``cqp-bot teams paquet``, then uploads it in
Teams (Applications › Gérer vos applications › Charger une application).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
ICONES = ("color.png", "outline.png")


class PaquetImpossible(ValueError):
    """A value the package cannot be made with (the message names it, in French)."""


def manifeste(app_id: str, url_publique: str) -> dict[str, Any]:
    """The manifest for the bot registered as ``app_id``, served at ``url_publique`` (https)."""
    if not GUID.match(app_id):
        raise PaquetImpossible("TEAMS_APP_ID")
    morceaux = urlsplit(url_publique)
    if morceaux.scheme != "https" or not morceaux.hostname:
        raise PaquetImpossible("CQP_PUBLIC_URL")
    modele = (resources.files("bot.teams") / "manifest" / "manifest.json").read_text("utf-8")
    valeurs = {
        "TEAMS_APP_ID": app_id.lower(),
        "CQP_PUBLIC_URL": url_publique.rstrip("/"),
        "CQP_PUBLIC_HOST": morceaux.hostname,
    }
    texte = re.sub(r"\{\{([A-Z_]+)\}\}", lambda m: valeurs[m.group(1)], modele)
    donnees: dict[str, Any] = json.loads(texte)
    return donnees


def paquet(app_id: str, url_publique: str) -> bytes:
    """The zip Teams installs: the filled manifest and the icons, at the archive's root."""
    contenu = json.dumps(manifeste(app_id, url_publique), ensure_ascii=False, indent=2)
    tampon = io.BytesIO()
    with zipfile.ZipFile(tampon, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", contenu)
        for icone in ICONES:
            archive.writestr(
                icone, (resources.files("bot.teams") / "manifest" / icone).read_bytes()
            )
    return tampon.getvalue()
