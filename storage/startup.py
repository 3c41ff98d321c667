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

from flows.evaluation import Evaluation, Evenement
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
    T_INDEX,
    T_PURGES,
    Modeles,
)
from storage.layout import CANDIDATS, CONVERSATIONS, Inventory, inventory
from storage.layout import INDEX as INDEX_FILE
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
        for chemin in inventaire.databases:
            _check(store, chemin, _kind(root, chemin), verification)
    except BaseException:
        verrou.release()
        raise
    return store


def _kind(root: Path, chemin: Path) -> Modeles:
    """Which kind of database a file of the layout is, by where it lies."""
    partie = chemin.relative_to(root).parts
    if partie[0] == CONVERSATIONS:
        return CONVERSATION
    if partie[0] == CANDIDATS:
        return INDEX if partie[-1] == INDEX_FILE else EVALUATION
    return AUDIT if chemin == root / "audit.json" else ADRESSES


def _load_index(store: TinyDBStore, inventaire: Inventory) -> None:
    """Every candidate's index into memory; an evaluation no index names is indexed now."""
    for reference, ids in sorted(inventaire.evaluations.items()):
        index = store.open(store.layout.index(reference), INDEX)
        for evaluation_id, entete in items(index.table(T_INDEX)):
            if evaluation_id not in ids:  # named, but its file is gone
                if _moved_aside(store.layout.evaluation(reference, evaluation_id)):
                    continue  # found damaged at an earlier start-up, which said so
                raise index.storage.corrupt("evaluation_absente", evaluation=evaluation_id)
            store.index[evaluation_id] = Evaluation.model_validate(entete)
        for evaluation_id in ids:
            if evaluation_id not in store.index:
                database = store.open(store.layout.evaluation(reference, evaluation_id), EVALUATION)
                if get(database.table(T_EVALUATION), "evaluation") is not None:
                    store.reindex(database)


def _moved_aside(chemin: Path) -> bool:
    return any(chemin.parent.glob(f"{chemin.name}.corrupt-*"))


def _check(store: TinyDBStore, chemin: Path, modeles: Modeles, verification: Verification) -> None:
    """A file's first and last bytes (or, ``complet``, every record); a bad one is moved aside."""
    if verification == "complet":
        store.open(chemin, modeles)
        return
    with chemin.open("rb") as fichier:
        taille = os.fstat(fichier.fileno()).st_size
        debut = fichier.read(32)
        fichier.seek(max(0, taille - 2))
        fin = fichier.read(2)
    try:
        version = check_header(debut, fin, taille)
    except BadFormat as exc:
        store.forget(chemin)
        raise CorruptData(
            fichier=chemin, probleme=exc.code, details=exc.details,
            deplace_vers=(move_aside(chemin, store.clock()),),
        ) from exc  # fmt: skip
    if version > SCHEMA:
        raise NewerSchema(fichier=chemin, version=version, connue=SCHEMA)
    if version < SCHEMA:
        store.open(chemin, modeles)  # read now: migrated, its original kept as a backup
