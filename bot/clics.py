"""Clicks as people make them: a double click is one click, a late click changes nothing.

A chat app delivers every click as its own event with its own id: two
clicks on « A » in a row would be two requests, and a change of mind
(A, then NO, then A again) must stay three. Both the Slack and the Teams
adapter key a click by message and payload through this; that the replies
of one request go out once is :mod:`bot.delivery`'s part.
"""

from __future__ import annotations

from cachetools import LRUCache, TTLCache

DOUBLE_CLICK_WINDOW = 5.0
MESSAGES_KEPT = 10_000
"""Messages whose last click is remembered (the oldest forgotten first)."""


class Clics:
    """Recent clicks, per message: the same button again within a few seconds is one request.

    Only the *last* button pressed on a message counts: A, then NO, then A again are three
    requests (a change of mind), A twice in a row is one (a double click).
    """

    def __init__(self) -> None:
        self._recent: TTLCache[str, tuple[str, str]] = TTLCache(MESSAGES_KEPT, DOUBLE_CLICK_WINDOW)
        """By message: the last click's payload and request id, for DOUBLE_CLICK_WINDOW."""
        self._dates: LRUCache[str, float] = LRUCache(MESSAGES_KEPT)
        """By message: when its last click taken was made, in the chat app's time."""

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
        self._dates[message] = quand
        return False

    def requete(self, message: str, payload: str, nouvelle: str) -> str:
        """The request id for this click: the last one's on the message when it repeats it."""
        connue = self._recent.get(message)
        if connue is not None and connue[0] == payload:
            return connue[1]
        self._recent[message] = (payload, nouvelle)
        return nouvelle
