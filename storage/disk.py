"""The store on disk: TinyDB shards in a data directory, one per evaluation.

Layout::

    <data>/.verrou                                  the owner process's lock
    <data>/systeme.json, systeme.journal            index, conversations (and the replies
                                                    memorised for retries), global audit
    <data>/evaluations/<reference>/<id>.json        one evaluation (candidate × bloc)
    <data>/evaluations/<reference>/<id>.journal

One shard per evaluation keeps the cost of a write flat (it touches one
small journal, whatever else is stored), and makes a candidate's export and
purge a matter of one directory, named by the candidate's pseudonymous
reference, never their name.

Start-up checks every file cheaply (first and last bytes: empty, truncated,
NUL-filled, foreign, newer schema), runs migrations, finishes an interrupted
purge and re-indexes an evaluation created just before a crash. A shard's
content is read and validated in full when it is first used — or for every
shard at start-up with ``verification="complet"`` (``cqp-bot donnees
verifier``) — so that start-up stays short with a million answers stored.
"""

from __future__ import annotations

import asyncio
import os
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from weakref import WeakValueDictionary

from pydantic import BaseModel, ValidationError

from flows.evaluation import ELEMENTS, Adresse, EtatConversation, Evaluation, Evenement
from storage import files
from storage.base import (
    SYSTEM,
    T_ADRESSES,
    T_CONVERSATIONS,
    T_EVALUATION,
    T_EVENEMENTS,
    T_INDEX,
    T_PURGES,
    T_REPLIQUES,
    T_REQUETES,
    Clock,
    ShardedStore,
    utc_now,
)
from storage.dirlock import DirectoryLock
from storage.errors import CorruptData, NewerSchema
from storage.format import SCHEMA, BadFormat, Tables, check_header, encode_snapshot
from storage.migrations import MIGRATIONS, Migration, migrate
from storage.shard import Shard, ShardFiles, read_shard_files

Verification = Literal["entete", "complet"]
MAX_OPEN_SHARDS = 256
"""Evaluations kept in memory at once (least recently used ones are dropped)."""

_EVALUATION_MODELS: Mapping[str, type[BaseModel] | None] = {
    T_EVALUATION: Evaluation,
    T_EVENEMENTS: Evenement,
    T_REQUETES: None,
    **ELEMENTS,
}
_SYSTEM_MODELS: Mapping[str, type[BaseModel] | None] = {
    T_INDEX: Evaluation,
    T_CONVERSATIONS: EtatConversation,
    T_EVENEMENTS: Evenement,
    T_REQUETES: None,
    T_PURGES: None,
    T_ADRESSES: Adresse,
    T_REPLIQUES: None,
}


def _validate(tables: Tables, modeles: Mapping[str, type[BaseModel] | None]) -> None:
    """Every record of every table has the shape its model says (wrong types = corruption)."""
    for nom, table in tables.items():
        if nom not in modeles:
            raise BadFormat("table_inconnue", table=nom)
        modele = modeles[nom]
        if modele is None:
            continue
        for cle, doc in table.items():
            try:
                modele.model_validate(doc)
            except ValidationError as exc:
                raise BadFormat(
                    "enregistrement", table=nom, cle=cle, erreurs=exc.error_count()
                ) from exc


class StoreTinyDB(ShardedStore):
    """Flows' store on disk. Open it with ``await StoreTinyDB.open_store(dossier)``."""

    def __init__(self, root: Path, verrou: DirectoryLock, systeme: Shard, clock: Clock) -> None:
        super().__init__(clock)
        self.root = root
        self._lock = verrou
        self._system_shard = systeme
        self._disque = systeme.disque
        """How fast the disk has been: one for every shard (``storage.disque``)."""
        self._cache: OrderedDict[str, Shard] = OrderedDict()
        self._alive: WeakValueDictionary[str, Shard] = WeakValueDictionary()
        self._opening = asyncio.Lock()
        self._on_disk: list[ShardFiles] = []
        """The evaluation shards found on disk at start-up (for ``recover``)."""

    # --- start-up -----------------------------------------------------------------

    @classmethod
    async def open_store(
        cls,
        dossier: Path | str,
        *,
        verification: Verification = "entete",
        clock: Clock = utc_now,
        migrations: Mapping[int, Migration] = MIGRATIONS,
        schema: int = SCHEMA,
    ) -> StoreTinyDB:
        """Take ownership of ``dossier``, check it, and return the store.

        Raises:
            StoreLocked: another process owns the directory.
            CorruptData: a file cannot be trusted; it was moved aside.
            NewerSchema: a file was written by a newer cqp-bot.
        """
        root = Path(dossier)
        return await asyncio.to_thread(
            cls._open_sync, root, verification, clock, migrations, schema
        )

    @classmethod
    def _open_sync(
        cls,
        root: Path,
        verification: Verification,
        clock: Clock,
        migrations: Mapping[int, Migration],
        schema: int,
    ) -> StoreTinyDB:
        cls._make_dirs(root / "evaluations")
        verrou = DirectoryLock(root)
        try:
            systeme_fichiers = ShardFiles(root / f"{SYSTEM}.json")
            if not any(p.exists() for p in systeme_fichiers.items()):
                files.write_atomic(systeme_fichiers.snapshot, encode_snapshot({}, 0))
            cls._check_and_migrate(systeme_fichiers, clock, migrations, schema)
            systeme = cls._load(SYSTEM, systeme_fichiers, clock, _SYSTEM_MODELS)
            # A purge a crash interrupted is finished before anything reads (or migrates,
            # or moves aside) the files it was erasing.
            for reference, doc in systeme.items(T_PURGES):
                for evaluation_id in doc["evaluations"]:
                    cls._erase_files(root, evaluation_id, reference)
            evaluations, temporaires = cls._inventory(root)
            files.remove_files(*temporaires)  # a crash before their rename: nothing acknowledged
            for location in evaluations:
                cls._check_and_migrate(location, clock, migrations, schema)
            store = cls(root, verrou, systeme, clock)
            store._on_disk = evaluations
            if verification == "complet":
                for location in evaluations:
                    cls._load(location.snapshot.stem, location, clock, _EVALUATION_MODELS)
        except BaseException:
            verrou.release()
            raise
        return store

    @staticmethod
    def _inventory(root: Path) -> tuple[list[ShardFiles], list[Path]]:
        """Every evaluation shard on disk (snapshot, or journal only) and stale temp files.

        One ``os.scandir`` pass rather than ``Path.glob`` walks: with a million
        answers (6,000+ directories) start-up stays well under a second.
        """
        noms: set[str] = set()
        temporaires = [p for p in root.iterdir() if p.name.endswith(files.TEMP_SUFFIX)]
        with os.scandir(root / "evaluations") as candidats:
            for candidat in candidats:
                if not candidat.is_dir():
                    continue
                with os.scandir(candidat.path) as entrees:
                    for entree in entrees:
                        base, point, extension = entree.name.rpartition(".")
                        if point and extension in {"json", "journal"}:
                            noms.add(os.path.join(candidat.path, base + ".json"))
                        elif entree.name.endswith(files.TEMP_SUFFIX):
                            temporaires.append(Path(entree.path))
        return [ShardFiles(Path(n)) for n in sorted(noms)], temporaires

    @staticmethod
    def _check_and_migrate(
        location: ShardFiles, clock: Clock, migrations: Mapping[int, Migration], schema: int
    ) -> None:
        chemin = location.snapshot
        try:
            fd = os.open(chemin, os.O_RDONLY)
        except FileNotFoundError:
            return  # a shard with only a journal so far
        try:
            taille = os.fstat(fd).st_size
            debut, fin = os.pread(fd, 64, 0), os.pread(fd, 2, max(0, taille - 2))
        finally:
            os.close(fd)
        try:
            version = check_header(debut, fin, taille)
        except BadFormat as exc:
            deplaces = location.move_aside(clock())
            raise CorruptData(
                fichier=chemin, probleme=exc.code, details=exc.details, deplace_vers=deplaces
            ) from exc
        if version > schema:
            raise NewerSchema(fichier=chemin, version=version, connue=schema)
        if version < schema:
            migrate(location, version, schema, migrations, clock())

    @staticmethod
    def _load(
        nom: str,
        location: ShardFiles,
        clock: Clock,
        modeles: Mapping[str, type[BaseModel] | None],
    ) -> Shard:
        """Read a shard in full, validate every record, and return it."""
        version, seq, tables, replayed = read_shard_files(location, clock())
        try:
            if version != SCHEMA:
                raise BadFormat("schema", version=version)
            _validate(tables, modeles)
        except BadFormat as exc:
            deplaces = location.move_aside(clock())
            raise CorruptData(
                fichier=location.snapshot,
                probleme=exc.code,
                details=exc.details,
                deplace_vers=deplaces,
            ) from exc
        return Shard(
            nom, tables, seq, location, journal_batches=replayed,
            journal_bytes=_taille(location.journal), snapshot_bytes=_taille(location.snapshot),
        )  # fmt: skip

    async def recover(self) -> None:
        """Finish what a crash interrupted: a purge half done, an evaluation not yet indexed."""
        systeme = self._system_shard
        for reference, doc in list(systeme.items(T_PURGES)):
            evenement = Evenement.model_validate(doc["audit"])
            await self._finish_purge(reference, list(doc["evaluations"]), evenement)
        indexees = {cle for cle, _ in systeme.items(T_INDEX)}
        for location in self._on_disk:
            evaluation_id, reference = (
                location.snapshot.stem,
                location.snapshot.parent.name,
            )
            encore_la = any(
                p.exists() for p in location.items()
            )  # a purge above may have erased it
            if evaluation_id not in indexees and encore_la:
                shard = await self._shard(evaluation_id, reference)
                entete = shard.get(T_EVALUATION, "evaluation") if shard else None
                if entete is not None:
                    await self._index(Evaluation.model_validate(entete))

    # --- shards ---------------------------------------------------------------

    async def _system(self) -> Shard:
        return self._system_shard

    def _location_of(self, evaluation_id: str, reference: str) -> ShardFiles:
        return ShardFiles(self.root / "evaluations" / reference / f"{evaluation_id}.json")

    async def _open_shard(self, evaluation_id: str, reference: str | None) -> Shard | None:
        shard = self._cache.get(evaluation_id) or self._alive.get(evaluation_id)
        if shard is not None:
            self._keep(shard)
            return shard
        async with self._opening:
            shard = self._cache.get(evaluation_id) or self._alive.get(evaluation_id)
            if shard is not None:
                self._keep(shard)
                return shard
            ref = reference or self._reference(self._system_shard, evaluation_id)
            if ref is None:
                return None
            location = self._location_of(evaluation_id, ref)
            existe = any(p.exists() for p in location.items())
            if not existe and reference is None:
                return None
            if not existe:
                # Created with an empty snapshot: every shard on disk has one, so that
                # its schema version is always known (and a journal alone is an anomaly).
                await asyncio.to_thread(self._create_shard, location)
            shard = await asyncio.to_thread(
                self._load, evaluation_id, location, self.clock, _EVALUATION_MODELS
            )
            shard.disque = self._disque
            self._keep(shard)
            return shard

    def _keep(self, shard: Shard) -> None:
        """Keep ``shard`` among the recently used, and known for as long as anyone holds it."""
        self._cache[shard.name] = shard
        self._cache.move_to_end(shard.name)
        self._alive[shard.name] = shard
        self._evict()

    @classmethod
    def _create_shard(cls, location: ShardFiles) -> None:
        cls._make_dirs(location.snapshot.parent)
        files.write_atomic(location.snapshot, encode_snapshot({}, 0))

    @staticmethod
    def _make_dirs(dossier: Path) -> None:
        """Create ``dossier`` (and its parents), each one durably entered in its parent."""
        manquants = []
        while not dossier.exists():
            manquants.append(dossier)
            dossier = dossier.parent
        for d in reversed(manquants):
            d.mkdir()
            files.fsync_dir(d.parent)

    def _evict(self) -> None:
        """Drop the least recently used shards from the cache; their journals keep them durable.

        A shard still referenced by a coroutine stays reachable through
        ``_alive`` (weak references), so there is never a second copy of it.
        """
        while len(self._cache) > MAX_OPEN_SHARDS:
            self._cache.popitem(last=False)

    async def _erase(self, evaluation_id: str, reference: str) -> None:
        shard = self._cache.pop(evaluation_id, None) or self._alive.get(evaluation_id)
        if shard is None:
            await asyncio.to_thread(self._erase_files, self.root, evaluation_id, reference)
            return
        async with shard.writing():
            shard.erased = True
            await asyncio.to_thread(self._erase_files, self.root, evaluation_id, reference)

    async def _unindexed_evaluations(self, reference: str) -> list[str]:
        dossier = self.root / "evaluations" / reference
        if not dossier.is_dir():
            return []
        return sorted({p.name.split(".", 1)[0] for p in dossier.iterdir()})

    @staticmethod
    def _erase_files(root: Path, evaluation_id: str, reference: str) -> None:
        """Erase every file of an evaluation: snapshot, journal, backups, copies moved aside."""
        dossier = root / "evaluations" / reference
        if not dossier.is_dir():
            return
        files.remove_files(
            *(p for p in dossier.iterdir() if p.name.split(".", 1)[0] == evaluation_id)
        )
        if not any(dossier.iterdir()):
            dossier.rmdir()
            files.fsync_dir(dossier.parent)

    async def fermer(self) -> None:
        """Write every snapshot in its final form, then release the directory."""
        try:
            for shard in [*self._cache.values(), self._system_shard]:
                async with shard.writing():
                    await shard.snapshot()
        finally:
            self._lock.release()


async def open_store(dossier: Path | str, **options: Any) -> StoreTinyDB:
    """Open the store in ``dossier`` and finish any work a crash interrupted."""
    store = await StoreTinyDB.open_store(dossier, **options)
    try:
        await store.recover()
    except BaseException:
        await store.fermer()
        raise
    return store


def _taille(chemin: Path) -> int:
    """A file's size in bytes, 0 if it does not exist."""
    try:
        return chemin.stat().st_size
    except FileNotFoundError:
        return 0
