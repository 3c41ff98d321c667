"""The jury's export in Teams: a file goes to a person only with their consent, into their OneDrive.

The offer is a file consent card; the content waits in memory until the person accepts
(``fileConsent/invoke``), then is uploaded to the URL Teams gives — only to OneDrive — and
the outcome comes as a message. A restart forgets the offers: the person asks to export again.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from typing import Any
from urllib.parse import urlsplit

from aiohttp import ClientSession, ClientTimeout
from cachetools import LRUCache
from microsoft_agents.activity import Activity, Attachment
from microsoft_agents.hosting.core import TurnContext

from bot.teams import activities
from bot.teams.addresses import Addresses
from flows import catalogue
from flows.messages import Fichier, Message

OFFERS_KEPT = 200
"""Exports offered and not yet accepted, kept in memory (the oldest forgotten first)."""
FILE_CONSENT = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO = "application/vnd.microsoft.teams.card.file.info"
ONEDRIVE_DOMAINS = (".sharepoint.com", ".sharepoint.us", ".sharepoint.de", ".sharepoint.cn")
"""Where Teams' upload URLs point: the person's OneDrive, which is SharePoint."""
log = logging.getLogger(__name__)


def upload_url(url: str, local: bool = False) -> bool:
    """An upload URL Teams can have given: https to OneDrive (or, for tests, http on loopback).

    The URL comes in an (authenticated) invoke; the bot PUTs a candidate's file there, so
    it goes nowhere else.
    """
    morceaux = urlsplit(url)
    hote = (morceaux.hostname or "").lower()
    if morceaux.scheme == "https" and hote.endswith(ONEDRIVE_DOMAINS):
        return True
    return local and morceaux.scheme == "http" and hote in ("127.0.0.1", "localhost", "::1")


class Files:
    """The offers waiting for consent, and the uploads under way."""

    def __init__(self, addresses: Addresses, local_upload: bool = False) -> None:
        self.addresses = addresses
        self.local_upload = local_upload
        """Tests only: the export may be uploaded over http to loopback (the fake OneDrive)."""
        self._offers: LRUCache[str, tuple[str, Fichier]] = LRUCache(OFFERS_KEPT)
        self._uploads: set[asyncio.Task[None]] = set()
        self._session: ClientSession | None = None

    async def offer(
        self, context: TurnContext, sender: str, personne: str, fichier: Fichier, message: Message
    ) -> None:
        """A file consent card to ``personne`` (in this chat when they are the one who asked)."""
        ident = secrets.token_urlsafe(12)
        self._offers[ident] = (personne, fichier)
        offre = Activity(
            type="message",
            text=catalogue.TEAMS_FICHIER_PROPOSE.format(texte=message.summary),
            text_format="plain",
            attachments=[Attachment(
                content_type=FILE_CONSENT, name=fichier.nom,
                content={
                    "description": message.summary[:200],
                    "sizeInBytes": len(fichier.contenu.encode()),
                    "acceptContext": {"cqp": ident}, "declineContext": {"cqp": ident},
                },
            )],
        )  # fmt: skip
        await self.addresses.to_person(context, sender, personne, [offre])

    async def consent(self, context: TurnContext, personne: str) -> None:
        """The person's answer to an offer: accepted, the upload starts; declined, said so."""
        valeur = _dict(context.activity.value)
        await context.send_activity(Activity(type="invokeResponse", value={"status": 200}))
        ident = str(_dict(valeur.get("context")).get("cqp") or "")
        attendu = self._offers.get(ident)
        if attendu is None or attendu[0] != personne:
            await self._say(context, catalogue.TEAMS_FICHIER_EXPIRE)
            return
        if valeur.get("action") != "accept":
            del self._offers[ident]
            await self._say(context, catalogue.TEAMS_FICHIER_REFUSE)
            return
        infos = _dict(valeur.get("uploadInfo"))
        url = str(infos.get("uploadUrl") or "")
        if not upload_url(url, self.local_upload):
            log.warning("refused upload URL from a file consent")
            await self._say(context, catalogue.TEAMS_ERREUR)
            return
        del self._offers[ident]
        # Teams waits for the invoke's answer, which the SDK sends when the turn ends: the
        # upload goes on after it, and its outcome comes as a message.
        tache = asyncio.create_task(self._upload(personne, attendu[1], url, infos))
        self._uploads.add(tache)
        tache.add_done_callback(self._uploads.discard)

    async def close(self) -> None:
        if self._uploads:
            await asyncio.wait(self._uploads, timeout=30)
        if self._session is not None:
            await self._session.close()

    async def _say(self, context: TurnContext, texte: str) -> None:
        await activities.send(context, [activities.plain(texte)])

    async def _upload(
        self, personne: str, fichier: Fichier, url: str, infos: dict[str, Any]
    ) -> None:
        contenu = fichier.contenu.encode()
        if self._session is None:
            self._session = ClientSession(timeout=ClientTimeout(total=60))
        entetes = {
            "Content-Length": str(len(contenu)),
            "Content-Range": f"bytes 0-{len(contenu) - 1}/{len(contenu)}",
        }
        try:
            async with self._session.put(url, data=contenu, headers=entetes) as response:
                ok = response.status < 300
                if not ok:
                    log.warning("OneDrive upload refused: HTTP %s", response.status)
        except Exception:
            log.exception("OneDrive upload failed")
            ok = False
        if not ok:
            echec = activities.plain(catalogue.TEAMS_FICHIER_ECHEC)
            await self.addresses.write_to(personne, [echec])
            return
        carte = Attachment(
            content_type=FILE_INFO, name=str(infos.get("name") or fichier.nom),
            content_url=str(infos.get("contentUrl") or ""),
            content={"uniqueId": infos.get("uniqueId"), "fileType": infos.get("fileType")},
        )  # fmt: skip
        await self.addresses.write_to(personne, [
            Activity(type="message", attachments=[carte]),
            activities.plain(catalogue.TEAMS_FICHIER_ENVOYE.format(nom=carte.name)),
        ])  # fmt: skip


def _dict(valeur: object) -> dict[str, Any]:
    return valeur if isinstance(valeur, dict) else {}
