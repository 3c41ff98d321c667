"""The replies kept for each person's recent requests (``Store.sauver_etat(…, repliques=…)``),
and whether they went out: read for a retry, marked once sent, listed after a crash.

Each is a document of the person's conversation database (table ``repliques``), the
replies packed by ``flows.retries``, with ``livree`` false until the channel sent them;
one written by an earlier version, without the flag, counts as sent.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from storage.database import get, items, put
from storage.errors import StoreError
from storage.kinds import CONVERSATION, T_ETAT, T_REPLIQUES
from storage.layout import changed_since

if TYPE_CHECKING:
    from storage.store import TinyDBStore


def replique(store: TinyDBStore, canal: str, utilisateur: str, requete: str) -> str | None:
    doc = get(store.conversation(canal, utilisateur).table(T_REPLIQUES), requete)
    return None if doc is None else str(doc["reponses"])


def livree(store: TinyDBStore, canal: str, utilisateur: str, requete: str) -> bool:
    doc = get(store.conversation(canal, utilisateur).table(T_REPLIQUES), requete)
    return doc is not None and bool(doc.get("livree", True))


def marquer_livree(store: TinyDBStore, canal: str, utilisateur: str, requete: str) -> None:
    """No fsync: noted or not after a power cut, the replies go out at most once more."""
    with store.conversation(canal, utilisateur).writing(durable=False) as db:
        doc = get(db.table(T_REPLIQUES), requete)
        if doc is not None and not doc.get("livree", True):
            put(db.table(T_REPLIQUES), requete, {**doc, "livree": True})


def a_livrer(store: TinyDBStore, canal: str, depuis: datetime) -> list[tuple[str, str, str]]:
    """``(utilisateur, requete, replies)`` not marked sent, in the conversations of ``canal``
    open in memory or written since ``depuis`` (a crash leaves the latest unsent)."""
    dossier = store.layout.conversations(canal)
    chemins = {d.path for d in store.databases.opened() if d.path.parent == dossier}
    if not store.in_memory:
        chemins |= set(changed_since(dossier, depuis.timestamp()))
    restes = []
    for chemin in sorted(chemins):
        try:
            database = store.open(chemin, CONVERSATION)
        except StoreError:  # damaged, or of a newer version: told at the person's next action
            continue
        etat = get(database.table(T_ETAT), T_ETAT)
        for requete, doc in items(database.table(T_REPLIQUES)):
            if etat is not None and not doc.get("livree", True):
                restes.append((str(etat["utilisateur"]), requete, str(doc["reponses"])))
    return restes
