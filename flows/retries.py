"""The memory of replies, so that a retried request (a double click, Slack's retry) gets the
same answer and nothing is applied again: the last requests of each person and their replies,
kept with the conversation for a day (``Service.handle``).
"""

from __future__ import annotations

import base64
import zlib
from datetime import datetime, timedelta

from pydantic import TypeAdapter

from flows.conversation import Conversation, Recente
from flows.messages import Reply

MAX_REQUETES_MEMORISEES = 8
"""Recent requests of a person whose replies are kept, to answer a retry (a double click,
Slack's retry seconds later). The state is rewritten at every event, so its size is the cost
of every click; an older request retried is run again, and the store still applies none of
its writes twice."""
DUREE_MEMOIRE = timedelta(hours=24)
"""How long they are kept: as long as the store recognises a retried write (storage.store)."""

_REPONSES = TypeAdapter(tuple[Reply, ...])


def pack(replies: tuple[Reply, ...]) -> str:
    """Replies as a short JSON-safe string: compressed JSON in base64 (a third of the size)."""
    return base64.b64encode(zlib.compress(_REPONSES.dump_json(replies), 1)).decode("ascii")


def unpack(packed: str) -> tuple[Reply, ...] | None:
    """The replies packed by pack; None if they cannot be read (then the request runs)."""
    try:
        return _REPONSES.validate_json(zlib.decompress(base64.b64decode(packed)))
    except (ValueError, zlib.error):  # binascii.Error and ValidationError are ValueErrors
        return None


def remember(
    conversation: Conversation, recentes: list[Recente], requete: str,
    replies: tuple[Reply, ...], maintenant: datetime,
) -> dict[str, str | None]:  # fmt: skip
    """Add this request to the conversation's recent ones (at most MAX_REQUETES_MEMORISEES);
    the replies to store, and those to forget, with the state (``Store.sauver_etat``).

    ``recentes`` is what is still remembered of the stored list: the replies of
    requests dropped, by age or number, are forgotten. The list holds ids and
    times only; each request's replies are a record of their own, read back
    only for a retry. Only the newest request keeps replies that carried a file
    (a jury export can be megabytes): an older one is to be run again — an
    export only reads.
    """
    gardees = [
        r.model_copy(update={"fichier": False, "rejouer": True}) if r.fichier else r
        for r in recentes
        if r.requete != requete
    ]
    entree = Recente(
        requete=requete, quand=maintenant, fichier=any(r.fichier is not None for r in replies)
    )
    anciennes, conversation.recentes = (
        conversation.recentes,
        [*gardees, entree][-MAX_REQUETES_MEMORISEES:],
    )
    rejouables = {r.requete for r in conversation.recentes if not r.rejouer}
    repliques: dict[str, str | None] = {
        r.requete: None for r in anciennes if r.requete not in rejouables and not r.rejouer
    }  # those dropped, or whose file is dropped, are forgotten
    repliques[requete] = pack(replies)
    return repliques
