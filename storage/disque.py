"""Whether the disk answers fast enough for a journal append in the event loop.

A durable append is one ``write`` and one ``fsync`` of a few hundred bytes:
on a local disk, 0.1 to 0.3 ms. Handing it to a worker thread costs more
than that: the thread must take the GIL from a busy event loop (up to the
interpreter's 5 ms switch interval, twice), and its result comes back
through the loop's queue, behind everything else ready. Measured under the
Slack benchmark's load (docs/storage.md), appends in the event loop took the
server from 2.9 to 2.3 ms of CPU per answer and from 300 to 400 answers/s.

But a disk is sometimes slow (another process flushing, a disk busy or
remote), and an fsync that takes 50 ms in the event loop holds every request
for 50 ms. So each append made in the loop is timed; once one takes longer
than SEUIL_LENT_S, the appends go to a worker thread for PAUSE_S — the
request waiting on it lets the others in (``storage.shard.ATTENTE_DISQUE``)
— then the loop tries again.
"""

from __future__ import annotations

import time
from collections.abc import Callable

SEUIL_LENT_S = 0.010
"""An append slower than this says the disk is slow for now."""
PAUSE_S = 10.0
"""How long appends go to a worker thread once the disk was slow."""


class Disque:
    """The disk's recent speed, as the appends measured it (one per store)."""

    def __init__(self, horloge: Callable[[], float] = time.monotonic) -> None:
        self._horloge = horloge
        self._lent_jusqu_a = float("-inf")

    @property
    def rapide(self) -> bool:
        """Whether the next append may be made in the event loop."""
        return self._horloge() >= self._lent_jusqu_a

    def mesure(self, duree_s: float) -> None:
        """One append made in the event loop took ``duree_s`` seconds."""
        if duree_s > SEUIL_LENT_S:
            self._lent_jusqu_a = self._horloge() + PAUSE_S
