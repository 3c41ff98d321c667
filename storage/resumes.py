"""Each evaluation's summary (``flows.resume``), a cache kept in its candidate's index.

A summary is derived from its evaluation's file, which is durable; so it is kept as a cache,
made when it is read rather than at each click. A click only marks its evaluation's summary
*out of date* (a set in memory: nothing written, nothing computed — the click's durable write
costs what it cost before). Reading the summaries (the dashboard, ``candidat``, ``candidats
liste``) makes the out-of-date ones again and writes them into their candidates' indexes —
durably, since an index also holds the candidate's record; so does closing the store.

Which summaries on disk are out of date is told by the files' times: an index is written
after the summaries it holds were made, so an evaluation file written since its index was
(``mtime`` not older) has changed since — a click after the last read, then a crash. Start-up
marks those out of date as it reads each index (before anything rewrites it), and those
without a summary (a directory of an older version), and opens none of them; ``cqp-bot donnees
verifier`` marks them all. Every write of an index (a creation, an enrolment) carries its
candidate's summaries made current, so that it never vouches for one that is not.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from pydantic import ValidationError
from tinydb import TinyDB

from flows.resume import Resume, resumer
from storage.database import Database, get, put
from storage.errors import StoreError
from storage.kinds import INDEX, T_RESUMES, document

if TYPE_CHECKING:
    from storage.store import TinyDBStore

LOG = logging.getLogger(__name__)


def load(store: TinyDBStore) -> None:
    """The summaries start-up read, checked now that they are needed: one that is not what a
    summary is (a file edited by hand, an older shape) is made again, not trusted — a cache
    never stops the bot."""
    for evaluation_id, doc in store.stored_summaries.items():
        try:
            store.summaries.setdefault(evaluation_id, Resume.model_validate(doc))
        except ValidationError:
            store.out_of_date.add(evaluation_id)
    store.stored_summaries.clear()


def make_current(store: TinyDBStore, ids: Iterable[str]) -> None:
    """The summaries of ``ids`` that are out of date made again, in memory (an evaluation
    whose file turns out damaged is left out: its read says so)."""
    for evaluation_id in sorted(set(ids) & store.out_of_date):
        store.out_of_date.discard(evaluation_id)
        try:
            database = store.evaluation_database(evaluation_id)
        except StoreError as exc:  # moved aside and said; the other summaries still count
            LOG.warning("summary of %s not made: %s", evaluation_id, exc)
            store.summaries.pop(evaluation_id, None)
            continue
        if database is not None:
            summarise(store, database)


def summarise(store: TinyDBStore, database: Database) -> None:
    """The summary of the evaluation in ``database`` made now."""
    dossier = store.build_dossier(database)
    store.out_of_date.discard(dossier.evaluation.id)
    bloc = store.referentiel.bloc(dossier.evaluation.bloc)
    if bloc is not None:  # a bloc this référentiel does not know has no summary
        store.summaries[dossier.evaluation.id] = resumer(dossier, bloc)


def put_current(store: TinyDBStore, db: TinyDB, ids: Iterable[str]) -> None:
    """Into an index being written: the summaries of its candidate's evaluations ``ids``,
    made current (those unchanged are not written again)."""
    ids = sorted(ids)
    make_current(store, ids)
    table = db.table(T_RESUMES)
    for evaluation_id in ids:
        resume = store.summaries.get(evaluation_id)
        if resume is not None and get(table, evaluation_id) != (doc := document(resume)):
            put(table, evaluation_id, doc)


def flush(store: TinyDBStore) -> None:
    """Every summary out of date made again, and written into its candidate's index."""
    load(store)
    if not store.out_of_date:
        return
    references = {
        entete.candidat.reference
        for i in store.out_of_date
        if (entete := store.index.get(i)) is not None
    }
    store.out_of_date &= set(store.index)
    par_candidat = store.by_candidate()
    for reference in sorted(references):
        try:
            # Durable: the index also holds the candidate's record, which nothing rebuilds.
            with store.open(store.layout.index(reference), INDEX).writing() as db:
                put_current(store, db, par_candidat.get(reference, []))
        except StoreError as exc:
            # In memory the summaries are current; on disk they stay out of date — start-up
            # sees it by the files' times — until the next write of this index succeeds.
            LOG.warning("summaries of %s not written: %s", reference, exc)
