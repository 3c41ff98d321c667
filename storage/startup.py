"""Opening a data directory: one owner, what a crash interrupted finished, every file checked.

In order: the lock (``filelock`` on ``.verrou``; the owner's pid in
``.verrou.pid`` for the message a second process gets); a format-1 directory
converted (``storage.legacy``); temporary files a crash left removed (nothing
acknowledged is in them); a pending purge finished before anything reads the
files it was erasing; every candidate's index read, and an evaluation no index
names (a crash between a creation's two writes) indexed; then every file's
first and last bytes checked — or, ``verification="complet"`` (``cqp-bot
donnees verifier``), every record. A bad file is moved aside and start-up
stops with ``CorruptData``.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from filelock import FileLock, Timeout

from flows.evaluation import Evaluation, Evenement
from flows.inscription import FicheCandidat
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
    SESSIONS,
    T_EVALUATION,
    T_FICHE,
    T_INDEX,
    T_PURGES,
    T_RESUMES,
    Modeles,
)
from storage.layout import Inventory, inventory
from storage.store import MAX_OPEN, Clock, TinyDBStore, utc_now

Verification = Literal["entete", "complet"]
LOCK = ".verrou"
KINDS: Mapping[str, Modeles] = {"evaluation": EVALUATION, "index": INDEX,
                                "conversation": CONVERSATION}  # fmt: skip


class DiskStore(TinyDBStore):
    """The store on disk: it owns its directory until ``fermer``."""

    def __init__(self, root: Path, verrou: FileLock, **options: Any) -> None:
        super().__init__(root, **options)
        self._verrou = verrou
        self.conversion: legacy.Conversion | None = None
        """What start-up converted from format 1, if anything (for its message)."""

    async def fermer(self) -> None:
        try:
            await super().fermer()
        finally:
            self._verrou.release()


async def open_store(
    dossier: Path | str,
    *,
    verification: Verification = "entete",
    clock: Clock = utc_now,
    migrations: Mapping[int, Migration] = MIGRATIONS,
    maximum: int = MAX_OPEN,
) -> DiskStore:
    """Take ownership of ``dossier``, check it, finish what a crash interrupted.

    Raises StoreLocked, CorruptData (the file was moved aside), NewerSchema,
    NoMigrationPath or LegacyUnreadable (nothing was converted).
    """
    root = Path(dossier)
    files.make_dirs(root)
    # What is read lives as long as the store: the collector's passes over it while it is
    # being read would find nothing to free (a third of a large directory's start-up).
    actif = gc.isenabled()
    gc.disable()
    try:
        return _open(root, verification, clock, migrations, maximum)
    finally:
        if actif:
            gc.enable()


def _open(
    root: Path, verification: Verification, clock: Clock, migrations: Mapping[int, Migration],
    maximum: int,
) -> DiskStore:  # fmt: skip
    verrou = FileLock(root / LOCK)
    try:
        verrou.acquire(blocking=False)
    except Timeout:
        try:
            pid = (root / f"{LOCK}.pid").read_text(encoding="ascii", errors="replace").strip()
        except OSError:
            pid = ""
        raise StoreLocked(dossier=root, pid=pid or "?") from None
    try:
        files.write_atomic(root / f"{LOCK}.pid", str(os.getpid()).encode("ascii"))
        store = DiskStore(root, verrou, clock=clock, migrations=migrations, maximum=maximum)
        store.conversion = legacy.convert(root, clock())
        inventaire = inventory(root)
        files.remove_files(*inventaire.temporaires)
        store.open(store.layout.adresses, ADRESSES)
        for reference, doc in items(store.open(store.layout.audit, AUDIT).table(T_PURGES)):
            audit = Evenement.model_validate(doc["audit"])
            purge.finish(store, reference, list(doc["evaluations"]), audit)
            inventaire = inventory(root)
        _read_indexes(store, inventaire, tout_refaire=verification == "complet")
        for sorte, chemins in inventaire.databases.items():
            for chemin in chemins:
                modeles = KINDS.get(sorte) or _racine(chemin)
                _check(store, chemin, modeles, verification)
    except BaseException:
        verrou.release()
        raise
    return store


def _racine(chemin: str) -> Modeles:
    """What a file at the root of the directory holds, by its name."""
    nom = os.path.basename(chemin)
    if nom.startswith("sessions.json"):
        return SESSIONS
    return AUDIT if nom.startswith("audit.json") else ADRESSES


def _read_indexes(store: TinyDBStore, inventaire: Inventory, tout_refaire: bool) -> None:
    """Every candidate's index into memory, each summary it holds marked out of date if its
    evaluation was written since (``storage.resumes``) — before anything rewrites that index
    —; an evaluation no index names is indexed now."""
    for reference, ids in sorted(inventaire.evaluations.items()):
        index = store.databases.get(store.layout.index(reference))
        presentes = set(ids)
        lus = store.check(index, INDEX)
        if isinstance(fiche := lus.get(T_FICHE, {}).get(T_FICHE), FicheCandidat):
            store.inscrits[reference] = fiche
        resumes_lus = index.table(T_RESUMES)
        for evaluation_id, entete in lus.get(T_INDEX, {}).items():
            if evaluation_id in presentes:
                assert isinstance(entete, Evaluation)
                store.index[evaluation_id] = entete
                resume = get(resumes_lus, evaluation_id)
                if resume is not None:
                    store.stored_summaries[evaluation_id] = resume
                ecrite = inventaire.ecrites.get(evaluation_id, 0.0)
                if (
                    tout_refaire
                    or resume is None
                    or ecrite >= inventaire.index_ecrits.get(evaluation_id, 0.0)
                ):
                    store.out_of_date.add(evaluation_id)
                continue
            chemin = store.layout.evaluation(reference, evaluation_id)  # only now: Paths cost
            if not any(chemin.parent.glob(f"{chemin.name}.corrupt-*")):  # else: said before
                raise index.storage.corrupt("evaluation_absente", evaluation=evaluation_id)
        for evaluation_id in [i for i in ids if i not in store.index]:
            database = store.open(store.layout.evaluation(reference, evaluation_id), EVALUATION)
            if get(database.table(T_EVALUATION), "evaluation") is not None:
                store.reindex(database)


def _check(store: TinyDBStore, fichier: str, modeles: Modeles, verification: Verification) -> None:
    """A file's first and last bytes (``complet``: every record); a bad one is moved aside."""
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
        store.databases.forget(Path(fichier))
        raise CorruptData(
            fichier=Path(fichier), probleme=exc.code, details=exc.details,
            deplace_vers=(move_aside(Path(fichier), store.clock()),),
        ) from exc  # fmt: skip
    if version > SCHEMA:
        raise NewerSchema(fichier=Path(fichier), version=version, connue=SCHEMA)
    if version < SCHEMA:
        store.open(Path(fichier), modeles)  # read now: migrated, the original kept as backup
