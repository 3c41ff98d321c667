"""Deliveries seen twice: a channel's retry is one request, a double click is one click.

A chat app delivers every click as its own event with its own id: two
clicks on « A » in a row would be two requests, and a change of mind
(A, then NO, then A again) must stay three. Both the Slack and the Teams
adapter key a click by message and payload through this.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import TypeVar

from flows.messages import Reply

T = TypeVar("T")

DOUBLE_CLICK_WINDOW = 5.0
MESSAGES_DATES = 10_000
"""Messages whose last click's time is remembered (the oldest forgotten first)."""


class Clics:
    """Recent clicks, per message: the same button again within a few seconds is one request.

    Only the *last* button pressed on a message counts: A, then NO, then A again are three
    requests (a change of mind), A twice in a row is one (a double click).
    """

    def __init__(self) -> None:
        self._vus: OrderedDict[str, tuple[str, str, float, tuple[Reply, ...] | None]] = (
            OrderedDict()
        )
        self._dates: OrderedDict[str, float] = OrderedDict()

    def perimee(self, message: str, quand: float | None) -> bool:
        """Whether a click made at ``quand`` (the chat app's time of the click) on this
        message comes after a later click on it was taken: then it must change nothing.

        Two clicks in flight can arrive in the wrong order (a slow link, a retry): the
        person's last choice is the one they made last, not the one that arrived last.
        """
        if quand is None:
            return False
        derniere = self._dates.get(message)
        if derniere is not None and quand < derniere:
            return True
        _retenir(self._dates, message, quand, MESSAGES_DATES)
        return False

    def requete(self, message: str, payload: str, nouvelle: str) -> tuple[str, bool]:
        """The request id for this click, and whether it repeats the last one on the message."""
        maintenant = time.monotonic()
        while self._vus and next(iter(self._vus.values()))[2] < maintenant - DOUBLE_CLICK_WINDOW:
            self._vus.popitem(last=False)
        connue = self._vus.get(message)
        if connue is not None and connue[0] == payload:
            return connue[1], True
        self._vus[message] = (payload, nouvelle, maintenant, None)
        self._vus.move_to_end(message)
        return nouvelle, False

    def deja_repondu(self, message: str, replies: tuple[Reply, ...]) -> bool:
        """Whether these replies were sent for this message's last click already.

        A repeat gets the service's stored replies: those were sent. But if the first
        click was refused (« non enregistré »), the repeat is applied now, with other
        replies, and they must go out.
        """
        connue = self._vus.get(message)
        if connue is None:
            return False
        if connue[3] == replies:
            return True
        self._vus[message] = (*connue[:3], replies)
        return False


def _retenir(memoire: OrderedDict[str, T], cle: str, valeur: T, taille: int) -> None:
    """Remember ``cle`` as the newest entry; past ``taille`` entries the oldest are forgotten."""
    memoire[cle] = valeur
    memoire.move_to_end(cle)
    while len(memoire) > taille:
        memoire.popitem(last=False)


class DejaVus:
    """The ids of the last deliveries (Slack's event ids, Teams' activity ids), in order.

    A channel that delivers again what timed out (Slack with ``X-Slack-Retry-Num``, the
    Bot Connector) must get no second answer: the flows would repeat their stored reply,
    but the person would read it twice. Bounded: the oldest ids are forgotten first.
    """

    def __init__(self, taille: int = 10_000) -> None:
        self._vus: OrderedDict[str, None] = OrderedDict()
        self._taille = taille

    def deja_vu(self, identifiant: str) -> bool:
        """Whether ``identifiant`` was seen already; it is remembered from now on."""
        if identifiant in self._vus:
            return True
        _retenir(self._vus, identifiant, None, self._taille)
        return False
