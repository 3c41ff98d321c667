"""A shard: one unit of storage with its own writer — an evaluation, or the system tables.

In memory, a shard is a TinyDB database (``MemoryStorage``) whose document
ids are the records' natural keys. On disk it is a snapshot (the TinyDB
tables as JSON) plus a journal of the batches committed since.

Why not TinyDB's ``JSONStorage``: it rewrites the whole file in place on
every write — a cost that grows with the data, and a torn file if the process
dies mid-write. Here a write appends one fsynced line to the journal (flat
cost, and a crash can only tear a line nobody was told about); every
``SEUIL_INSTANTANE`` batches the snapshot is rewritten atomically and the
journal emptied. Reading back is snapshot + journal replay.

One ``asyncio.Lock`` per shard serialises its writers; blocking file work
runs in a worker thread so the event loop never waits on a disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
from collections.abc import Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from tinydb import TinyDB
from tinydb.storages import MemoryStorage
from tinydb.table import Document, Table

from storage import fichiers
from storage.erreurs import (
    EvaluationInconnue,
    StockageCorrompu,
    StockageIndisponible,
    StockageOccupe,
)
from storage.format import (
    FormatInvalide,
    Tables,
    decoder_instantane,
    decoder_journal,
    encoder_instantane,
    encoder_lot,
)

T = TypeVar("T")
journal = logging.getLogger("cqp_bot.storage")

SEUIL_INSTANTANE = 200
"""Batches in the journal before the snapshot is rewritten (and the journal emptied)."""
ATTENTE_MAX_S = 10.0
"""Bounded wait for a shard's lock: past it the write is refused, never queued forever."""

Op = dict[str, Any]
"""One operation of a batch: ``{"op": "put"|"del", "table": ..., "cle": ..., "doc": {...}}``."""


class _TableParCle(Table):
    """A TinyDB table whose document ids are the records' natural keys (strings).

    Natural keys make a second write of the same record an update, and they
    survive restarts — unlike TinyDB's integer ids, which are reused after
    deletions.
    """

    document_id_class = str  # type: ignore[assignment]


class _Base(TinyDB):
    table_class = _TableParCle


def _nouvelle_base(tables: Tables) -> TinyDB:
    base = _Base(storage=MemoryStorage)
    base.storage.write(tables)  # MemoryStorage keeps this very dict: writes below mutate it
    return base


@dataclass(frozen=True)
class Fichiers:
    """Where a shard lives on disk."""

    instantane: Path

    @property
    def journal(self) -> Path:
        return self.instantane.with_suffix(".journal")

    def tous(self) -> tuple[Path, Path]:
        return self.instantane, self.journal

    def mettre_de_cote(self, quand: datetime) -> tuple[Path, ...]:
        """Move both files aside as ``*.corrupt-<timestamp>``: never deleted, never reset."""
        suffixe = ".corrupt-" + quand.strftime("%Y%m%dT%H%M%S")
        deplaces = []
        for chemin in self.tous():
            if chemin.exists():
                cible = chemin.with_name(chemin.name + suffixe)
                chemin.rename(cible)
                deplaces.append(cible)
        if deplaces:
            fichiers.fsync_dossier(self.instantane.parent)
        return tuple(deplaces)


def lire_fichiers(emplacement: Fichiers, quand: datetime) -> tuple[int, int, Tables, int]:
    """``(schema, seq, tables, replayed)`` of a shard on disk: snapshot, then the journal replayed.

    A torn last journal line (a crash during an unacknowledged write) is cut
    off. Anything else wrong moves the shard's files aside and raises
    StockageCorrompu: an evaluation is never silently loaded with part of its
    acknowledged answers.
    """
    fichier = emplacement.instantane
    rejoues = 0
    try:
        if not fichier.exists():
            # Every shard is created with an empty snapshot before its first journal line.
            raise FormatInvalide("instantane_absent")
        schema, seq, tables = decoder_instantane(fichier.read_bytes())
        fichier = emplacement.journal
        if fichier.exists():
            journal = decoder_journal(fichier.read_bytes())
            for lot_seq, ops in journal.lots:
                if lot_seq > seq:
                    if lot_seq != seq + 1:
                        raise FormatInvalide("journal_sequence", ligne=lot_seq)
                    appliquer(tables, ops)
                    seq = lot_seq
                    rejoues += 1
            if journal.dechire:
                fichiers.tronquer(fichier, journal.taille_valide)
    except FormatInvalide as exc:
        deplaces = emplacement.mettre_de_cote(quand)
        raise StockageCorrompu(
            fichier=fichier, probleme=exc.code, details=exc.details, deplace_vers=deplaces
        ) from exc
    return schema, seq, tables, rejoues


def appliquer(tables: Tables, ops: list[Op]) -> None:
    """Apply a batch to plain tables (replay and migrations use this, not TinyDB)."""
    for op in ops:
        if not isinstance(op, dict) or op.get("op") not in {"put", "del"}:
            raise FormatInvalide("operation")
        table = tables.setdefault(str(op["table"]), {})
        if op["op"] == "put":
            if not isinstance(op.get("doc"), dict):
                raise FormatInvalide("operation")
            table[str(op["cle"])] = op["doc"]
        else:
            table.pop(str(op["cle"]), None)


def _id(cle: str) -> Any:
    """A natural key as a TinyDB doc id (TinyDB's type hints say int; ids are str here)."""
    return cle


class Shard:
    """One unit of storage: tables in memory, durable through ``emplacement`` if any."""

    def __init__(
        self,
        nom: str,
        tables: Tables,
        seq: int,
        emplacement: Fichiers | None,
        lots_en_journal: int = 0,
    ) -> None:
        self.nom = nom
        self.emplacement = emplacement
        self.seq = seq
        self._base = _nouvelle_base(tables)
        self._verrou = asyncio.Lock()
        self._lots_depuis_instantane = lots_en_journal
        self._prochain_instantane: int | None = None
        self.detruit = False
        """Set when the shard's files are erased (purge): any later write is refused."""

    @asynccontextmanager
    async def ecriture(self) -> Any:
        """Hold the shard's lock, waiting at most ATTENTE_MAX_S."""
        try:
            async with asyncio.timeout(ATTENTE_MAX_S):
                await self._verrou.acquire()
        except TimeoutError:
            raise StockageOccupe(evaluation=self.nom) from None
        try:
            yield self
        finally:
            self._verrou.release()

    @property
    def occupe(self) -> bool:
        return self._verrou.locked()

    @property
    def modifie(self) -> bool:
        """Whether the journal holds batches the snapshot does not."""
        return self._lots_depuis_instantane > 0

    def lire(self, table: str, cle: str) -> dict[str, Any] | None:
        document = self._base.table(table).get(doc_id=_id(cle))
        return dict(document) if isinstance(document, Document) else None

    def tous(self, table: str) -> Iterator[tuple[str, dict[str, Any]]]:
        for document in self._base.table(table).all():
            yield str(document.doc_id), dict(document)

    def tables(self) -> Tables:
        """The raw tables (TinyDB's own data, live): what a snapshot holds."""
        donnees = self._base.storage.read()
        assert isinstance(donnees, dict)
        return donnees

    async def valider(self, ops: list[Op]) -> None:
        """Commit a batch: durable first (journal, fsync), then visible. Hold ``ecriture()``.

        Either the whole batch is applied or nothing is: the line is encoded
        (and unserialisable values refused) before anything is written, and
        if the disk refuses the append nothing changes in memory. Once the
        append has started, the commit runs to its end even if the caller is
        cancelled (see :func:`_jusquau_bout`), so that memory and the sequence
        number always learn of a line that reached the disk.
        """
        if self.detruit:
            raise EvaluationInconnue(evaluation=self.nom)
        ligne = encoder_lot(self.seq + 1, ops)
        annulation: asyncio.CancelledError | None = None
        if self.emplacement is not None:
            try:
                await _jusquau_bout(fichiers.ajouter_durable, self.emplacement.journal, ligne)
            except asyncio.CancelledError as exc:
                annulation = exc  # the line is on disk: apply it, then pass the cancellation on
            except OSError as exc:
                raise StockageIndisponible(
                    fichier=self.emplacement.journal,
                    detail=exc.strerror,
                    errno=errno.errorcode.get(exc.errno or 0),
                ) from exc
        self.seq += 1
        # The batch is applied to the tables TinyDB reads, by the same function that
        # replays the journal: TinyDB's own write path rebuilds a whole table (twice)
        # per operation, a cost that would grow with an evaluation's audit trail.
        appliquer(self.tables(), ops)
        for nom in {op["table"] for op in ops}:
            self._base.table(nom).clear_cache()
        self._lots_depuis_instantane += 1
        if annulation is not None:
            raise annulation
        if self._lots_depuis_instantane >= (self._prochain_instantane or SEUIL_INSTANTANE):
            await self.instantane()

    async def instantane(self) -> bool:
        """Rewrite the snapshot atomically, then empty the journal. Hold ``ecriture()``.

        A failure here (disk full…) is not a failure of the write that
        triggered it: that write is in the fsynced journal, acknowledged and
        safe. So it is logged, and tried again SEUIL_INSTANTANE batches later.
        Returns whether the snapshot is up to date.
        """
        if self.emplacement is None or not self._lots_depuis_instantane:
            return True
        contenu = encoder_instantane(self.tables(), self.seq)
        emplacement = self.emplacement

        def ecrire() -> None:
            fichiers.ecrire_atomique(emplacement.instantane, contenu)
            # A crash here leaves batches the snapshot already holds; replay skips them by seq.
            fichiers.tronquer(emplacement.journal)

        try:
            await _jusquau_bout(ecrire)
        except OSError as exc:
            journal.warning("snapshot of %s failed (%s); the journal keeps the data", self.nom, exc)
            self._prochain_instantane = self._lots_depuis_instantane + SEUIL_INSTANTANE
            return False
        self._lots_depuis_instantane = 0
        self._prochain_instantane = None
        return True


async def _jusquau_bout(fonction: Callable[..., T], *args: Any) -> T:
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
    try:
        return await asyncio.shield(futur)
    except asyncio.CancelledError:
        while not futur.done():
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait([futur])
        futur.result()  # the work's own error, if any, wins over the cancellation
        raise
