"""The memory of replies: a retried request (a double click, Slack's retry) gets the same
answer and nothing is applied again, and replies a crash kept from going out still go.

The last requests of each person are listed in their conversation, for a day; each one's
replies are stored beside it (``Store.sauver_etat(…, repliques=…)``) as an :class:`Envoi`
— where they answer, and whether they went out (``Store.marquer_livree``). One memory,
in the store, for every channel (``Service.handle``, ``flows.outbox``).
"""

from __future__ import annotations

import base64
import zlib
from datetime import datetime, timedelta

from pydantic import AwareDatetime, BaseModel, ConfigDict, TypeAdapter, ValidationError

from flows.conversation import Conversation, Recente
from flows.messages import Event, Origin, Reply

MAX_REQUETES_MEMORISEES = 8
"""Recent requests of a person whose replies are kept, to answer a retry (a double click,
Slack's retry seconds later). The state is rewritten at every event, so its size is the cost
of every click; an older request retried is run again, and the store still applies none of
its writes twice."""
DUREE_MEMOIRE = timedelta(hours=24)
"""How long they are kept: as long as the store recognises a retried write (storage.store)."""


class Envoi(BaseModel):
    """A request's replies as kept, with where they answer: after a crash between storing
    them and sending them, the channel sends them where it would have (``Outbox.pending``)."""

    model_config = ConfigDict(frozen=True)

    origin: Origin | None = None
    """None for replies kept by an earlier version, which answer a retry only."""
    message: str | None = None
    """The message the request was made on (a clicked card), to update in place."""
    quand: AwareDatetime | None = None
    replies: tuple[Reply, ...]


_REPLIES = TypeAdapter(tuple[Reply, ...])


def pack(envoi: Envoi) -> str:
    """An Envoi as a short JSON-safe string: compressed JSON in base64 (a third of the size)."""
    return base64.b64encode(zlib.compress(envoi.model_dump_json().encode(), 1)).decode("ascii")


def unpack(packed: str) -> Envoi | None:
    """The Envoi packed by pack (or the bare replies an earlier version packed); None if it
    cannot be read (then the request runs again, and the store applies nothing twice)."""
    try:
        brut = zlib.decompress(base64.b64decode(packed))
    except (ValueError, zlib.error):  # binascii.Error is a ValueError
        return None
    try:
        return Envoi.model_validate_json(brut)
    except ValidationError:
        pass
    try:
        return Envoi(replies=_REPLIES.validate_json(brut))
    except ValidationError:
        return None


def remember(
    conversation: Conversation, recentes: list[Recente], evenement: Event,
    replies: tuple[Reply, ...], maintenant: datetime, alias: str | None = None,
) -> dict[str, str | None]:  # fmt: skip
    """Add this request to the conversation's recent ones (at most MAX_REQUETES_MEMORISEES);
    the replies to store, and those to forget, with the state (``Store.sauver_etat``).

    ``recentes`` is what is still remembered of the stored list: the replies of
    requests dropped, by age or number, are forgotten. The list holds ids and
    times only; each request's replies are a record of their own, read back
    only for a retry or after a crash. Only the newest request keeps replies that
    carried a file (a jury export can be megabytes): an older one is to be run
    again — an export only reads. A double click (``alias``: the request it repeats)
    keeps no replies of its own.
    """
    requete = evenement.request_id
    gardees = [
        # A double click keeps the request it repeats as it is: its file is its answer too.
        r.model_copy(update={"fichier": False, "rejouer": True}) if r.fichier and not alias else r
        for r in recentes
        if r.requete != requete
    ]
    entree = Recente(
        requete=requete, quand=maintenant, alias=alias,
        fichier=alias is None and any(r.fichier is not None for r in replies),
    )  # fmt: skip
    anciennes, conversation.recentes = (
        conversation.recentes,
        [*gardees, entree][-MAX_REQUETES_MEMORISEES:],
    )
    rejouables = {r.requete for r in conversation.recentes if not r.rejouer}
    repliques: dict[str, str | None] = {
        r.requete: None
        for r in anciennes
        if r.requete not in rejouables and not r.rejouer and r.alias is None
    }  # those dropped, or whose file is dropped, are forgotten
    if alias is None:
        envoi = Envoi(
            origin=evenement.origin, message=evenement.message, quand=maintenant, replies=replies
        )
        repliques[requete] = pack(envoi)
    return repliques
