"""One database of the store: a TinyDB over its file, and transactions that commit all or nothing.

::

    with database.writing() as db:        # plain TinyDB inside
        put(db.table("reponses"), cle, document)
        db.table("evenements").insert(Document(audit, doc_id=numero))
    # one atomic, fsynced rewrite of the file here; on any error, nothing at all

A transaction never awaits: from its first read to its commit no other
coroutine runs, so concurrent clicks are applied one after the other, whole,
with no lock to hold or wait on. The fsync is made in the event loop too
(why: docs/storage.md).
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

from storage.durable import DurableStorage, Migration


class KeyedTable(Table):
    """A table whose document ids are the records' natural keys (an answer's: critère and
    évaluateur), so that a record written again is updated, and ids survive restarts (TinyDB's
    integers are reused after a deletion). No query cache: it would outlive a rollback."""

    document_id_class = str  # type: ignore[assignment]
    default_query_cache_capacity = 0


class KeyedTinyDB(TinyDB):
    table_class = KeyedTable


def put(table: Table, cle: str, document: Mapping[str, Any]) -> None:
    """Store ``document`` under ``cle`` (records are whole documents: it replaces the old one)."""
    table.upsert(Document(document, doc_id=cast(int, cle)))


def get(table: Table, cle: str) -> dict[str, Any] | None:
    document = table.get(doc_id=cast(int, cle))
    return None if document is None else dict(document)


def items(table: Table) -> list[tuple[str, dict[str, Any]]]:
    """Every ``(key, document)`` of a table, in key order."""
    return sorted((str(d.doc_id), dict(d)) for d in table.all())


class Database:
    """One database file (or, in memory, its image), and its transactions."""

    def __init__(self, storage: DurableStorage, path: Path) -> None:
        self.path, self.storage = path, storage
        self.tinydb = KeyedTinyDB(storage=lambda: storage)  # this very instance, not a new one
        self.memo: dict[str, Any] = {}
        """Values derived from the data (a Dossier), forgotten whenever the data changes."""
        self.checked = False
        """Whether its records were checked against their models (``storage.kinds``)."""

    def table(self, nom: str) -> Table:
        return self.tinydb.table(nom)

    @contextlib.contextmanager
    def writing(self, durable: bool = True) -> Iterator[TinyDB]:
        """A transaction: TinyDB operations inside, one commit at the end, or none.

        InvalidValue or WriteFailed when the commit is refused: nothing of the
        transaction remains, in memory or on disk. ``durable=False``: no fsync.
        """
        self.storage.batching = True
        try:
            yield self.tinydb
            if self.storage.dirty:
                self.memo.clear()
                self.storage.persist(self.storage.encode(), durable)
        except BaseException:
            self.storage.rollback()
            self.memo.clear()
            raise
        finally:
            self.storage.batching = False


class Databases:
    """The databases open in memory, one object per file; the least recently used let go
    (their files stay). In memory the object is the only copy: none is let go."""

    def __init__(
        self, *, in_memory: bool, maximum: int, migrations: Mapping[int, Migration],
        clock: Callable[[], datetime],
    ) -> None:  # fmt: skip
        self.in_memory, self.maximum = in_memory, maximum
        self._migrations, self._clock = migrations, clock
        self._open: OrderedDict[Path, Database] = OrderedDict()

    def get(self, path: Path) -> Database:
        """The database of ``path`` (its file read when first used)."""
        database = self._open.get(path)
        if database is None:
            storage = DurableStorage(
                None if self.in_memory else path, self._migrations, self._clock
            )
            database = self._open[path] = Database(storage, path)
            while not self.in_memory and len(self._open) > self.maximum:
                self._open.popitem(last=False)
        self._open.move_to_end(path)
        return database

    def opened(self) -> list[Database]:
        return list(self._open.values())

    def forget(self, path: Path) -> None:
        self._open.pop(path, None)
