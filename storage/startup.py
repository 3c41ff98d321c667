"""Opening a data directory: one owner, every file checked, what a crash interrupted finished.

In order:

1. take the directory's lock (``filelock`` on ``.verrou``; the owner's pid in
   ``.verrou.pid``, for the message a second process gets);
2. convert a format-1 directory (``storage.legacy``), once;
3. remove temporary files a crash left before their rename (they hold
   nothing acknowledged);
4. read the audit: a purge a crash interrupted is finished before anything
   reads, checks or moves aside the files it was erasing;
5. read every candidate's index; an evaluation whose file exists but that no
   index names (a crash between the two writes of a creation) is indexed;
6. check every database file: its first and last bytes (empty, truncated,
   NUL-filled, foreign, newer or older schema), or, with
   ``verification="complet"`` (``cqp-bot donnees verifier``), every record
   against its model. A file that fails is moved aside and start-up stops
   with ``CorruptData``, worded in French by the catalogue.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from filelock import FileLock, Timeout

from flows.evaluation import Evenement
from storage import files, legacy, purge
from storage.database import get, items
from storage.durable import MIGRATIONS, SCHEMA, BadFormat, Migration, check_header, move_aside
from storage.errors import CorruptData, NewerSchema, StoreLocked
from storage.kinds import (
    ADRESSES,
    AUDIT,
    CONVERSATION,
    EVALUATION,
    INDEX,
    T_EVALUATION,
    T_PURGES,
    Modeles,
)
from storage.layout import AUDIT as AUDIT_FILE
from storage.layout import Inventory, inventory
from storage.store import MAX_OPEN, Clock, TinyDBStore, utc_now

Verification = Literal["entete", "complet"]
LOCK = ".verrou"


class DiskStore(TinyDBStore):
    """The store on disk: it owns its directory until ``fermer``."""

    def __init__(self, root: Path, verrou: FileLock, **options: Any) -> None:
        super().__init__(root, **options)
        self._verrou = verrou
        self.conversion: legacy.Conversion | None = None
        """What start-up converted from format 1, if anything (for its message)."""

    async def fermer(self) -> None:
        self._verrou.release()


def _take_lock(root: Path) -> FileLock:
    verrou = FileLock(root / LOCK)
    try:
        verrou.acquire(blocking=False)
    except Timeout:
        try:
            pid = (root / f"{LOCK}.pid").read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            pid = "?"
        raise StoreLocked(dossier=root, pid=pid or "?") from None
    files.write_atomic(root / f"{LOCK}.pid", str(os.getpid()).encode("ascii"))
    return verrou


async def open_store(
    dossier: Path | str,
    *,
    verification: Verification = "entete",
    clock: Clock = utc_now,
    migrations: Mapping[int, Migration] = MIGRATIONS,
    maximum: int = MAX_OPEN,
) -> DiskStore:
    """Take ownership of ``dossier``, check it, finish what a crash interrupted.

    Raises:
        StoreLocked: another process owns the directory.
        CorruptData: a file cannot be trusted; it was moved aside.
        NewerSchema: a file was written by a newer cqp-bot.
        LegacyUnreadable: a format-1 file cannot be read; nothing was converted.
    """
    root = Path(dossier)
    files.make_dirs(root)
    verrou = _take_lock(root)
    try:
        store = DiskStore(root, verrou, clock=clock, migrations=migrations, maximum=maximum)
        store.conversion = legacy.convert(root, clock())
        inventaire = inventory(root)
        files.remove_files(*inventaire.temporaires)
        audit = store.open(store.layout.audit, AUDIT)
        store.open(store.layout.adresses, ADRESSES)
        for reference, doc in items(audit.table(T_PURGES)):
            purge.finish(
                store, reference, list(doc["evaluations"]), Evenement.model_validate(doc["audit"])
            )
            inventaire = inventory(root)
        _load_index(store, inventaire)
        for sorte, chemins in inventaire.databases.items():
            for chemin in chemins:
                _check(store, chemin, _kind(root, sorte, chemin), verification)
    except BaseException:
        verrou.release()
        raise
    return store


def _kind(root: Path, sorte: str, chemin: str) -> Modeles:
    """Which kind of database a file of the layout is, by where it lies."""
    if sorte == "racine":
        return AUDIT if chemin == str(root / AUDIT_FILE) else ADRESSES
    return {"evaluation": EVALUATION, "index": INDEX, "conversation": CONVERSATION}[sorte]


def _load_index(store: TinyDBStore, inventaire: Inventory) -> None:
    """Every candidate's index into memory; an evaluation no index names is indexed now."""
    for reference, ids in sorted(inventaire.evaluations.items()):
        presentes = set(ids)
        for evaluation_id, entete in store.read_index(reference).items():
            if evaluation_id not in presentes:  # named, but its file is gone
                if _moved_aside(store.layout.evaluation(reference, evaluation_id)):
                    continue  # found damaged at an earlier start-up, which said so
                index = store.databases.get(store.layout.index(reference))
                raise index.storage.corrupt("evaluation_absente", evaluation=evaluation_id)
            store.index[evaluation_id] = entete
        for evaluation_id in ids:
            if evaluation_id not in store.index:
                database = store.open(store.layout.evaluation(reference, evaluation_id), EVALUATION)
                if get(database.table(T_EVALUATION), "evaluation") is not None:
                    store.reindex(database)


def _moved_aside(chemin: Path) -> bool:
    return any(chemin.parent.glob(f"{chemin.name}.corrupt-*"))


def _check(store: TinyDBStore, fichier: str, modeles: Modeles, verification: Verification) -> None:
    """A file's first and last bytes (or, ``complet``, every record); a bad one is moved aside."""
    if verification == "complet":
        store.open(Path(fichier), modeles)
        return
    fd = os.open(fichier, os.O_RDONLY)
    try:
        taille = os.fstat(fd).st_size
        debut, fin = os.pread(fd, 32, 0), os.pread(fd, 2, max(0, taille - 2))
    finally:
        os.close(fd)
    try:
        version = check_header(debut, fin, taille)
    except BadFormat as exc:
        chemin = Path(fichier)
        store.forget(chemin)
        raise CorruptData(
            fichier=chemin, probleme=exc.code, details=exc.details,
            deplace_vers=(move_aside(chemin, store.clock()),),
        ) from exc  # fmt: skip
    if version > SCHEMA:
        raise NewerSchema(fichier=Path(fichier), version=version, connue=SCHEMA)
    if version < SCHEMA:
        store.open(Path(fichier), modeles)  # read now: migrated, its original kept as backup
