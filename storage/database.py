"""One database of the store: a TinyDB file, and its transactions — all or nothing, durable.

The store opens a :class:`Database` per file and works through plain TinyDB
inside a transaction::

    with database.writing() as db:
        put(db.table("reponses"), cle, document)
        db.table("evenements").insert(Document(audit, doc_id=numero))
    # here: one atomic, fsynced rewrite of the file; or, on any error, nothing

A transaction never awaits: from its first read to its durable commit no
other coroutine runs, so two clicks on one evaluation at the same instant are
applied one after the other and neither is lost — the event loop's single
thread serialises them, with no lock to hold or to wait on. The commit's
fsync is made there too: it takes half a millisecond on a local disk, less
than handing it to a worker thread costs (``docs/storage.md``), and it keeps
the rule simple: nothing is visible before it is durable.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from tinydb import TinyDB
from tinydb.table import Document, Table

from storage.durable import MIGRATIONS, DurableStorage, Migration


class KeyedTable(Table):
    """A TinyDB table whose document ids are the records' natural keys (strings).

    Natural keys make a second write of the same record an update (an answer
    is keyed by critère and évaluateur), and they survive restarts, unlike
    TinyDB's integer ids, which are reused after deletions. No query cache:
    lookups are by id, and a cache would have to be forgotten on a rollback.
    """

    document_id_class = str  # type: ignore[assignment]
    default_query_cache_capacity = 0


class KeyedTinyDB(TinyDB):
    table_class = KeyedTable


def put(table: Table, cle: str, document: Mapping[str, Any]) -> None:
    """Store ``document`` under ``cle`` (records are whole documents: this replaces the old one)."""
    table.upsert(Document(document, doc_id=cast(int, cle)))


def get(table: Table, cle: str) -> dict[str, Any] | None:
    """The document stored under ``cle``, if any (a copy)."""
    document = table.get(doc_id=cast(int, cle))
    return None if document is None else dict(document)


def items(table: Table) -> list[tuple[str, dict[str, Any]]]:
    """Every ``(key, document)`` of a table, in key order."""
    return sorted((str(d.doc_id), dict(d)) for d in table.all())


class Database:
    """One database file (or, in memory, its image), and its transactions."""

    def __init__(
        self,
        path: Path,
        *,
        in_memory: bool = False,
        migrations: Mapping[int, Migration] = MIGRATIONS,
        clock: Callable[[], datetime],
    ) -> None:
        self.path = path
        self.storage = DurableStorage(
            None if in_memory else path, migrations=migrations, clock=clock
        )
        self.tinydb = KeyedTinyDB(storage=_given(self.storage))
        self.memo: dict[str, Any] = {}
        """Values derived from the data (a Dossier), forgotten whenever the data changes."""

    def table(self, nom: str) -> Table:
        return self.tinydb.table(nom)

    @contextlib.contextmanager
    def writing(self, durable: bool = True) -> Iterator[TinyDB]:
        """A transaction: TinyDB operations inside, one commit at the end, or none.

        Raises InvalidValue or WriteFailed when the commit is refused: then
        nothing of the transaction remains, in memory or on disk.
        ``durable=False``: the commit costs no fsync (``files.write_atomic``).
        """
        self.storage.batching = True
        try:
            yield self.tinydb
            if self.storage.dirty:
                self.memo.clear()
                self.storage.persist(self.storage.encode(), durable)
        except BaseException:
            self.rollback()
            raise
        finally:
            self.storage.batching = False

    def rollback(self) -> None:
        """Forget what was not committed: the data is read back from the last commit."""
        self.storage.rollback()
        self.memo.clear()


class Databases:
    """The databases open in memory, one object per file; the least recently used let go."""

    def __init__(
        self,
        *,
        in_memory: bool,
        maximum: int,
        migrations: Mapping[int, Migration],
        clock: Callable[[], datetime],
    ) -> None:
        self.in_memory = in_memory
        self.maximum = maximum
        self._migrations = migrations
        self._clock = clock
        self._open: OrderedDict[Path, Database] = OrderedDict()

    def get(self, path: Path) -> Database:
        """The database of ``path`` (read from its file when first used)."""
        database = self._open.get(path)
        if database is None:
            database = Database(
                path, in_memory=self.in_memory, migrations=self._migrations, clock=self._clock
            )
            self._open[path] = database
            if not self.in_memory:  # in memory, the only copy of the data: never let go
                while len(self._open) > self.maximum:
                    self._open.popitem(last=False)
        self._open.move_to_end(path)
        return database

    def opened(self) -> list[Database]:
        return list(self._open.values())

    def forget(self, path: Path) -> None:
        """Drop the object of ``path`` (its file was erased or moved aside)."""
        self._open.pop(path, None)


def _given(storage: DurableStorage) -> Any:
    """TinyDB builds its storage from a class; hand it this very instance instead."""
    return lambda: storage
