"""Whether the disk answers fast enough for a journal append in the event loop.

A durable append is one ``write`` and one ``fsync`` of a few hundred bytes:
on a quiet local disk, 0.1 to 0.3 ms. Handing it to a worker thread costs
more than that: the thread must take the GIL from a busy event loop (up to
the interpreter's 5 ms switch interval, twice), and its result comes back
through the loop's queue, behind everything else ready. Measured under the
Slack benchmark's load (docs/storage.md), appends in the event loop took the
server from 2.9 to 2.3 ms of CPU per answer and from 300 to 400 answers/s.

But a disk is sometimes slow — a burst of writes being flushed (by this
process or another), a busy or remote disk — and an fsync of 200 ms in the
event loop holds every request for 200 ms. So an append is made in the
event loop only once RAPIDES_DE_SUITE appends in a row took SEUIL_LENT_S at
most; one slower, wherever it ran, sends the next ones back to a worker
thread (where the request waiting on it lets the others in:
``storage.shard.ATTENTE_DISQUE``). A store starts that way: at start-up the
disk's speed is not known, and it is often flushing what was just written.
"""

from __future__ import annotations

SEUIL_LENT_S = 0.020
"""An append slower than this (an fsync waiting on a flush) says the disk is slow for now;
a quiet local disk takes 0.1-1 ms, plus a few ms for the GIL in a worker thread."""
RAPIDES_DE_SUITE = 200
"""Fast appends in a row before one is made in the event loop (half a second under load)."""


class Disque:
    """The disk's recent speed, as the appends measured it (one per store)."""

    def __init__(self) -> None:
        self._de_suite = 0

    @property
    def rapide(self) -> bool:
        """Whether the next append may be made in the event loop."""
        return self._de_suite >= RAPIDES_DE_SUITE

    def mesure(self, duree_s: float) -> None:
        """One append took ``duree_s`` seconds (in the event loop or in a worker thread)."""
        self._de_suite = self._de_suite + 1 if duree_s <= SEUIL_LENT_S else 0
