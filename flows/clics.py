"""Clicks as people make them: a double click is one click, a late click changes nothing.

A chat app delivers every click as its own event with its own id: two clicks on « A » in a
row would be two requests, and a change of mind (A, then NO, then A again) must stay three.
So the last clicks of each person are kept in their conversation — in the store, with every
other memory of what was done — and, by the message clicked:

- the same button of the same message again within DOUBLE_CLICK is the *same request*
  (``Recente.alias``): it gets the first one's answer, which delivery sends once;
- a click the chat app dates (Slack's ``action_ts``) before a later click taken on the same
  question changes nothing: two clicks in flight can arrive in the wrong order (a slow link,
  a retry), and the person's last choice is the one they made last. The payload names what it
  answers: a critère's values are one question (:class:`flows.notation.Noter`), any other
  button its own.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import AwareDatetime, BaseModel, ConfigDict

from flows.messages import ChoiceEvent
from flows.notation import Noter
from flows.payloads import InvalidPayload

DOUBLE_CLICK = timedelta(seconds=5)
KEPT = 8
"""Clicks kept per person and channel (one per message and question, the newest)."""


class Clic(BaseModel):
    """The last click taken on one question of one message."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    message: str
    question: str
    payload: str
    requete: str
    quand: AwareDatetime
    """When it was taken (the service's clock)."""
    fait: float | None = None
    """When the person made it (the chat app's clock), if the app says."""


def question(payload: str) -> str:
    """What a click answers: the critère for a value, else the button itself."""
    try:
        noter = Noter.unpack(payload)
    except InvalidPayload:
        return payload
    return f"{noter.evaluation}|{noter.critere}"


def late(clics: list[Clic], clic: ChoiceEvent) -> bool:
    """Whether a later click on the same question of the same message was taken already."""
    if clic.message is None or clic.clicked_at is None:
        return False
    sujet = question(clic.payload)
    return any(
        c.message == clic.message and c.question == sujet and c.fait is not None
        and c.fait > clic.clicked_at
        for c in clics
    )  # fmt: skip


def repeated(clics: list[Clic], clic: ChoiceEvent, maintenant: datetime) -> str | None:
    """The request this click repeats, when it is the same button of the same message as the
    last click taken there, moments ago."""
    if clic.message is None:
        return None
    sur_le_message = [c for c in clics if c.message == clic.message]
    if not sur_le_message:
        return None
    dernier = max(sur_le_message, key=lambda c: c.quand)
    if dernier.payload == clic.payload and maintenant - dernier.quand <= DOUBLE_CLICK:
        return dernier.requete
    return None


def taken(clics: list[Clic], clic: ChoiceEvent, maintenant: datetime) -> list[Clic]:
    """The clicks kept once this one is taken (the newest KEPT)."""
    if clic.message is None:
        return clics
    nouveau = Clic(
        message=clic.message, question=question(clic.payload), payload=clic.payload,
        requete=clic.request_id, quand=maintenant, fait=clic.clicked_at,
    )  # fmt: skip
    autres = [c for c in clics if (c.message, c.question) != (nouveau.message, nouveau.question)]
    return [*autres, nouveau][-KEPT:]
