"""Each evaluation's summary (``flows.resume``), kept in its candidate's index.

Made again in the same step as every change of the evaluation — no other coroutine runs
between the evaluation's commit and its summary's — and written without an fsync: it is
derived from the evaluation's file, which is durable. So the summary can lag behind only
for the evaluations written in the last moments before a crash: the one being written at a
``kill -9``, those whose index the page cache had not written yet at a power cut (the
kernel writes them within about 30 s). Start-up makes again the summaries of the
evaluations written in the last ``RECENT_S`` seconds before the newest one, and of any
evaluation without one (a data directory of an older version); ``cqp-bot donnees
verifier`` makes them all again.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from flows.resume import Resume, resumer
from storage.database import Database, put
from storage.errors import StoreError
from storage.kinds import INDEX, T_RESUMES, document

if TYPE_CHECKING:
    from storage.store import TinyDBStore

LOG = logging.getLogger(__name__)
RECENT_S = 120.0
"""How far before the newest evaluation file start-up checks the summaries (seconds)."""


def refresh(store: TinyDBStore, database: Database) -> None:
    """The summary of the evaluation in ``database`` made again; its index written if it
    changed (without an fsync)."""
    dossier = store.build_dossier(database)
    bloc = store.referentiel.bloc(dossier.evaluation.bloc)
    if bloc is None:  # a bloc this référentiel does not know: nothing to summarise
        return
    resume = resumer(dossier, bloc)
    if store.summaries.get(resume.evaluation) == resume:
        return
    store.summaries[resume.evaluation] = resume
    try:
        index = store.open(store.layout.index(resume.reference), INDEX)
        with index.writing(durable=False) as db:
            put(db.table(T_RESUMES), resume.evaluation, document(resume))
    except StoreError as exc:
        # The evaluation's change is stored and must be answered as such: its summary on
        # disk stays behind until the evaluation's next change (or ``donnees verifier``).
        LOG.warning("summary of %s not written: %s", resume.evaluation, exc)


def to_check(store: TinyDBStore, ecrites: dict[str, float]) -> list[str]:
    """The evaluations whose summary start-up makes again: without one, or written (file
    modification times, ``ecrites``) in the last ``RECENT_S`` seconds before the newest."""
    recent = max(ecrites.values(), default=0.0) - RECENT_S
    return sorted(
        i for i in store.index if i not in store.summaries or ecrites.get(i, recent) >= recent
    )


__all__ = ["RECENT_S", "Resume", "refresh", "to_check"]
