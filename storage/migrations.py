"""Schema migrations of the data files, run at start-up on a copy.

``MIGRATIONS[v]`` turns tables of version ``v`` into version ``v + 1``. A file
of an older version is read whole (snapshot and journal), copied to
``<file>.bak-v<v>`` (its journal too), migrated step by step, then written
atomically with the new version. A crash during a migration leaves the
original untouched or the migrated file whole, and the backup in every case.

There is no migration yet: version 1 is the first.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from datetime import datetime

from storage import files
from storage.errors import NoMigrationPath
from storage.format import Tables, encode_snapshot
from storage.shard import ShardFiles, read_shard_files

Migration = Callable[[Tables], Tables]

MIGRATIONS: Mapping[int, Migration] = {}


def migrate(
    location: ShardFiles, de: int, vers: int, migrations: Mapping[int, Migration], quand: datetime
) -> None:
    """Bring a shard from version ``de`` to ``vers``, keeping the old files as ``.bak-v<de>``."""
    manquantes = [v for v in range(de, vers) if v not in migrations]
    if manquantes:  # a file older than any migration we know: refuse rather than guess
        raise NoMigrationPath(fichier=location.snapshot, version=de, connue=vers)
    _, seq, tables, _ = read_shard_files(location, quand)
    for chemin in location.items():
        if chemin.exists():
            copie = chemin.with_name(f"{chemin.name}.bak-v{de}")
            shutil.copy2(chemin, copie)
            files.fsync_file(copie)
    files.fsync_dir(location.snapshot.parent)
    for version in range(de, vers):
        tables = migrations[version](tables)
    files.write_atomic(location.snapshot, encode_snapshot(tables, seq, vers))
    if location.journal.exists():
        files.truncate(location.journal)
