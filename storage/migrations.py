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

from storage import fichiers
from storage.erreurs import MigrationImpossible
from storage.format import Tables, encoder_instantane
from storage.shard import Fichiers, lire_fichiers

Migration = Callable[[Tables], Tables]

MIGRATIONS: Mapping[int, Migration] = {}


def migrer(
    emplacement: Fichiers, de: int, vers: int, migrations: Mapping[int, Migration], quand: datetime
) -> None:
    """Bring a shard from version ``de`` to ``vers``, keeping the old files as ``.bak-v<de>``."""
    manquantes = [v for v in range(de, vers) if v not in migrations]
    if manquantes:  # a file older than any migration we know: refuse rather than guess
        raise MigrationImpossible(fichier=emplacement.instantane, version=de, connue=vers)
    _, seq, tables, _ = lire_fichiers(emplacement, quand)
    for chemin in emplacement.tous():
        if chemin.exists():
            copie = chemin.with_name(f"{chemin.name}.bak-v{de}")
            shutil.copy2(chemin, copie)
            fichiers.fsync_fichier(copie)
    fichiers.fsync_dossier(emplacement.instantane.parent)
    for version in range(de, vers):
        tables = migrations[version](tables)
    fichiers.ecrire_atomique(emplacement.instantane, encoder_instantane(tables, seq, vers))
    if emplacement.journal.exists():
        fichiers.tronquer(emplacement.journal)
