"""A shard: one unit of storage with its own writer — an evaluation, or the system tables.

In memory, a shard is a TinyDB database (``MemoryStorage``) whose document
ids are the records' natural keys. On disk it is a snapshot (the TinyDB
tables as JSON) plus a journal of the batches committed since.

Why not TinyDB's ``JSONStorage``: it rewrites the whole file in place on
every write — a cost that grows with the data, and a torn file if the process
dies mid-write. Here a write appends one fsynced line to the journal (flat
cost, and a crash can only tear a line nobody was told about); every
``SNAPSHOT_EVERY`` batches the snapshot is rewritten atomically and the
journal emptied — and, for a shard whose snapshot is large (the system
shard holds the index of every evaluation), not before the journal has
grown as large as the snapshot: rewriting megabytes every 200 small lines
would make each write pay for the whole shard, where this way each byte
appended pays for about one byte rewritten. Reading back is snapshot +
journal replay (so at most twice the shard's size, plus SNAPSHOT_EVERY lines).

One ``asyncio.Lock`` per shard serialises its writers. A journal append is
made in the event loop while the disk answers fast (:mod:`storage.disque`);
a slow one, and every snapshot, runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from tinydb import TinyDB
from tinydb.storages import MemoryStorage
from tinydb.table import Document, Table

from storage import files
from storage.disque import Disque
from storage.errors import (
    CorruptData,
    ShardBusy,
    UnknownEvaluation,
    WriteFailed,
)
from storage.format import (
    BadFormat,
    Tables,
    decode_journal,
    decode_snapshot,
    encode_batch,
    encode_document,
    encode_record,
    snapshot_parts,
)

T = TypeVar("T")
log = logging.getLogger("cqp_bot.storage")

SNAPSHOT_EVERY = 200
"""Batches in the journal before the snapshot is rewritten (and the journal emptied), at least:
a large snapshot waits until the journal is as large (``Shard.commit``)."""
MAX_WAIT_S = 10.0
"""Bounded wait for a shard's lock: past it the write is refused, never queued forever."""

ATTENTE_DISQUE: ContextVar[Callable[[], None] | None] = ContextVar("attente_disque", default=None)
"""Called when the current task starts waiting for file work in a worker thread (an fsync…):
a server serving one request at a time lets the next one in meanwhile (``bot.slack``)."""

Op = dict[str, Any]
"""One operation of a batch: ``{"op": "put"|"del", "table": ..., "cle": ..., "doc": {...}}``."""


class _KeyedTable(Table):
    """A TinyDB table whose document ids are the records' natural keys (strings).

    Natural keys make a second write of the same record an update, and they
    survive restarts — unlike TinyDB's integer ids, which are reused after
    deletions.
    """

    document_id_class = str  # type: ignore[assignment]


class _Database(TinyDB):
    table_class = _KeyedTable


def _new_database(tables: Tables) -> TinyDB:
    base = _Database(storage=MemoryStorage)
    base.storage.write(tables)  # MemoryStorage keeps this very dict: writes below mutate it
    return base


@dataclass(frozen=True)
class ShardFiles:
    """Where a shard lives on disk."""

    snapshot: Path

    @property
    def journal(self) -> Path:
        return self.snapshot.with_suffix(".journal")

    def items(self) -> tuple[Path, Path]:
        return self.snapshot, self.journal

    def move_aside(self, quand: datetime) -> tuple[Path, ...]:
        """Move both files aside as ``*.corrupt-<timestamp>``: never deleted, never reset."""
        suffixe = ".corrupt-" + quand.strftime("%Y%m%dT%H%M%S")
        deplaces = []
        for chemin in self.items():
            if chemin.exists():
                cible = chemin.with_name(chemin.name + suffixe)
                chemin.rename(cible)
                deplaces.append(cible)
        if deplaces:
            files.fsync_dir(self.snapshot.parent)
        return tuple(deplaces)


def read_shard_files(location: ShardFiles, quand: datetime) -> tuple[int, int, Tables, int]:
    """``(schema, seq, tables, replayed)`` of a shard on disk: snapshot, then the journal replayed.

    A torn last journal line (a crash during an unacknowledged write) is cut
    off. Anything else wrong moves the shard's files aside and raises
    CorruptData: an evaluation is never silently loaded with part of its
    acknowledged answers.
    """
    fichier = location.snapshot
    replayed = 0
    try:
        if not fichier.exists():
            # Every shard is created with an empty snapshot before its first journal line.
            raise BadFormat("instantane_absent")
        schema, seq, tables = decode_snapshot(fichier.read_bytes())
        fichier = location.journal
        if fichier.exists():
            journal = decode_journal(fichier.read_bytes())
            for lot_seq, ops in journal.batches:
                if lot_seq > seq:
                    if lot_seq != seq + 1:
                        raise BadFormat("journal_sequence", ligne=lot_seq)
                    apply_batch(tables, ops)
                    seq = lot_seq
                    replayed += 1
            if journal.torn:
                files.truncate(fichier, journal.valid_size)
    except BadFormat as exc:
        deplaces = location.move_aside(quand)
        raise CorruptData(
            fichier=fichier, probleme=exc.code, details=exc.details, deplace_vers=deplaces
        ) from exc
    return schema, seq, tables, replayed


def apply_batch(tables: Tables, ops: list[Op]) -> None:
    """Apply a batch to plain tables (replay and migrations use this, not TinyDB)."""
    for op in ops:
        if not isinstance(op, dict) or op.get("op") not in {"put", "del"}:
            raise BadFormat("operation")
        table = tables.setdefault(str(op["table"]), {})
        if op["op"] == "put":
            if not isinstance(op.get("doc"), dict):
                raise BadFormat("operation")
            table[str(op["cle"])] = op["doc"]
        else:
            table.pop(str(op["cle"]), None)


def _id(cle: str) -> Any:
    """A natural key as a TinyDB doc id (TinyDB's type hints say int; ids are str here)."""
    return cle


class Shard:
    """One unit of storage: tables in memory, durable through ``location`` if any."""

    def __init__(
        self,
        nom: str,
        tables: Tables,
        seq: int,
        location: ShardFiles | None,
        journal_batches: int = 0,
        journal_bytes: int = 0,
        snapshot_bytes: int = 0,
        disque: Disque | None = None,
    ) -> None:
        self.name = nom
        self.location = location
        self.seq = seq
        self._base = _new_database(tables)
        self._lock = asyncio.Lock()
        self._batches_since_snapshot = journal_batches
        self._journal_bytes = journal_bytes
        """Bytes appended to the journal since the last snapshot."""
        self._snapshot_bytes = snapshot_bytes
        """Size of the last snapshot written (or read)."""
        self._next_snapshot_at: int | None = None
        self.erased = False
        """Set when the shard's files are erased (purge): any later write is refused."""
        self.disque = disque or Disque()
        """How fast the disk has been (shared by a store's shards: they are on one disk)."""
        self.memo: dict[str, Any] = {}
        """Values derived from the tables, tagged with the ``seq`` they were derived at."""
        self._fragments: dict[str, dict[str, bytes]] | None = None
        """Each record as the snapshot writes it (``encode_record``), by table and key, in the
        tables' order, kept through every batch: a snapshot lists them (a millisecond or two
        for the system shard's megabytes) instead of encoding every record in the event loop.
        Only for a shard on disk; made here, where the shard is loaded (a worker thread)."""
        if location is not None:
            self._fragments = {
                nom: {cle: encode_record(cle, encode_document(doc)) for cle, doc in table.items()}
                for nom, table in tables.items()
            }

    @asynccontextmanager
    async def writing(self) -> Any:
        """Hold the shard's lock, waiting at most MAX_WAIT_S."""
        try:
            async with asyncio.timeout(MAX_WAIT_S):
                await self._lock.acquire()
        except TimeoutError:
            raise ShardBusy(evaluation=self.name) from None
        try:
            yield self
        finally:
            self._lock.release()

    @property
    def busy(self) -> bool:
        return self._lock.locked()

    @property
    def dirty(self) -> bool:
        """Whether the journal holds batches the snapshot does not."""
        return self._batches_since_snapshot > 0

    def get(self, table: str, cle: str) -> dict[str, Any] | None:
        document = self._base.table(table).get(doc_id=_id(cle))
        return dict(document) if isinstance(document, Document) else None

    def items(self, table: str) -> Iterator[tuple[str, dict[str, Any]]]:
        for document in self._base.table(table).all():
            yield str(document.doc_id), dict(document)

    def tables(self) -> Tables:
        """The raw tables (TinyDB's own data, live): what a snapshot holds."""
        donnees = self._base.storage.read()
        assert isinstance(donnees, dict)
        return donnees

    async def commit(self, ops: list[Op], durable: bool = True) -> None:
        """Commit a batch: durable first (journal, fsync), then visible. Hold ``writing()``.

        Either the whole batch is applied or nothing is: the line is encoded
        (and unserialisable values refused) before anything is written, and
        if the disk refuses the append nothing changes in memory. Once the
        append has started, the commit runs to its end even if the caller is
        cancelled (see :func:`_to_completion`), so that memory and the sequence
        number always learn of a line that reached the disk.
        """
        if self.erased:
            raise UnknownEvaluation(evaluation=self.name)
        ligne, documents = encode_batch(self.seq + 1, ops)
        cancellation: asyncio.CancelledError | None = None
        if self.location is not None:
            try:
                await self._append(self.location.journal, ligne, durable)
            except asyncio.CancelledError as exc:
                cancellation = exc  # the line is on disk: apply it, then pass the cancellation on
            except OSError as exc:
                raise WriteFailed(
                    fichier=self.location.journal,
                    detail=exc.strerror,
                    errno=errno.errorcode.get(exc.errno or 0),
                ) from exc
        self.seq += 1
        self._journal_bytes += len(ligne)
        # The batch is applied to the tables TinyDB reads, by the same function that
        # replays the journal: TinyDB's own write path rebuilds a whole table (twice)
        # per operation, a cost that would grow with an evaluation's audit trail.
        apply_batch(self.tables(), ops)
        for nom in {op["table"] for op in ops}:
            self._base.table(nom).clear_cache()
        if self._fragments is not None:
            for op, document in zip(ops, documents, strict=True):
                fragments, cle = self._fragments.setdefault(str(op["table"]), {}), str(op["cle"])
                if document is None:
                    fragments.pop(cle, None)
                else:
                    fragments[cle] = encode_record(cle, document)
        self._batches_since_snapshot += 1
        if cancellation is not None:
            raise cancellation
        if self._snapshot_due():
            await self.snapshot()

    async def _append(self, journal: Path, ligne: bytes, durable: bool) -> None:
        """Append a line: in the event loop while the disk is fast, else in a worker thread.

        Without fsync (``durable=False``) it is a write to the page cache: always here.
        See :mod:`storage.disque` for why a fast fsync is made here too.
        """
        if not durable:
            files.append_durable(journal, ligne, durable=False)
        elif self.disque.rapide:
            self.disque.mesure(_append_chronometre(journal, ligne))
        else:
            self.disque.mesure(await _to_completion(_append_chronometre, journal, ligne))

    def _snapshot_due(self) -> bool:
        """Whether the journal is long enough to be folded into the snapshot.

        SNAPSHOT_EVERY batches at least, and as many bytes as the snapshot holds:
        rewriting it then costs about what was appended since, whatever its size.
        After a failed snapshot, the next try comes SNAPSHOT_EVERY batches later.
        """
        if self._next_snapshot_at is not None:
            return self._batches_since_snapshot >= self._next_snapshot_at
        return (
            self._batches_since_snapshot >= SNAPSHOT_EVERY
            and self._journal_bytes >= self._snapshot_bytes
        )

    async def snapshot(self) -> bool:
        """Rewrite the snapshot atomically, then empty the journal. Hold ``writing()``.

        A failure here (disk full…) is not a failure of the write that
        triggered it: that write is in the fsynced journal, acknowledged and
        safe. So it is logged, and tried again SNAPSHOT_EVERY batches later.
        Returns whether the snapshot is up to date.
        """
        if self.location is None or not self._batches_since_snapshot:
            return True
        # The parts are listed here, a few milliseconds even for the system shard's megabytes;
        # joining them (or encoding them) would hold the event loop tens of milliseconds.
        contenu = snapshot_parts(self.tables(), self.seq, fragments=self._fragments)
        location = self.location

        def ecrire() -> None:
            files.write_atomic(location.snapshot, contenu)
            # A crash here leaves batches the snapshot already holds; replay skips them by seq.
            files.truncate(location.journal)

        try:
            await _to_completion(ecrire)
        except OSError as exc:
            log.warning("snapshot of %s failed (%s); the journal keeps the data", self.name, exc)
            self._next_snapshot_at = self._batches_since_snapshot + SNAPSHOT_EVERY
            return False
        self._batches_since_snapshot = 0
        self._journal_bytes = 0
        self._snapshot_bytes = sum(map(len, contenu))
        self._next_snapshot_at = None
        return True


def _append_chronometre(journal: Path, ligne: bytes) -> float:
    """A durable append; how long it took, in seconds."""
    debut = time.perf_counter()
    files.append_durable(journal, ligne)
    return time.perf_counter() - debut


async def _to_completion(fonction: Callable[..., T], *args: Any) -> T:
    """Run blocking file work in a worker thread, to its end even if the caller is cancelled.

    File work handed to a thread cannot be stopped. If the caller stopped
    waiting, a journal line could reach the disk while memory and the
    sequence number never learn of it — the next batch would reuse its
    number — or a snapshot thread could empty the journal under a later
    writer. So the caller (who holds the shard's lock) always waits for the
    thread; a cancellation is passed on only once the work is over, and
    only if the work succeeded (a failure is what the caller must hear of).
    """
    futur = asyncio.get_running_loop().run_in_executor(None, fonction, *args)
    signal = ATTENTE_DISQUE.get()
    if signal is not None:
        signal()
    try:
        return await asyncio.shield(futur)
    except asyncio.CancelledError:
        while not futur.done():
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait([futur])
        futur.result()  # the work's own error, if any, wins over the cancellation
        raise
