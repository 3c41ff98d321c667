"""The garbage collector set for a long-running server whose heap is mostly long-lived.

At start-up the store loads the index of every evaluation (with 10,000 evaluations, about a
million objects) and the référentiel; both live as long as the process. CPython's cyclic
collector traverses every tracked object at each full collection: a pause of about 100 ms
in which no request is answered, several times an hour under load. And its default young
threshold (700 allocations) starts a collection every few hundred objects, when one answer
allocates thousands.

So, once start-up is over: collect once, then ``gc.freeze()`` what survived — frozen
objects are never traversed again (they are still freed by reference counting, and the
data loaded has no cycles) — and let the young generation grow to YOUNG_THRESHOLD objects
before it is collected. ``benchmarks/bench_slack.py`` measures the pauses with and without.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 20_000
"""Allocations (minus deallocations) before a young collection: a few answers' worth."""


def settle() -> None:
    """Freeze what start-up loaded and widen the young generation; call once, when ready."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
