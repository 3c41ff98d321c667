"""A crash-safe TinyDB storage: each commit rewrites the database's file atomically.

TinyDB's extension point is a ``Storage`` with ``read()`` and ``write()``.
Its ``JSONStorage`` rewrites the file in place: a process killed mid-write
leaves it torn, an empty file opens as an empty database, ``NaN`` is written
as invalid JSON, and every operation re-reads the file. This one:

- **keeps the data in memory** once read: TinyDB calls ``read()`` on every
  operation, and the file only changes through this object;
- **writes atomically**: compact UTF-8 JSON to a temporary file in the same
  directory, ``fsync``, ``os.replace`` over the file, ``fsync`` of the
  directory (``storage.files.write_atomic``). A crash at any instant leaves
  the old file or the new one, whole. ``NaN`` and infinity are refused
  before anything is written;
- **refuses a file it cannot trust**: one that does not parse, or is not a
  database of ours, is moved aside (``<file>.corrupt-<time>``) and
  ``CorruptData`` raised — never replaced by an empty database;
- **carries a schema version** (``{"schema": 2, "tables": {…}}``): an older
  file is migrated on read (``MIGRATIONS``), the original kept as
  ``<file>.bak-v<N>``; a newer one is refused and left untouched;
- **commits a batch as one write**: TinyDB writes once per table operation;
  while ``batching`` is set, writes stay in memory and the owner commits them
  together (``encode`` then ``persist``), so that a record, its audit line and
  its request id land on disk together or not at all (``storage.database``).

Without a path, the "file" is a bytes image in memory, with the same rules:
the store's tests of the flows run on exactly this code.
"""

from __future__ import annotations

import errno
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from storage import files
from storage.errors import (
    CorruptData,
    InvalidValue,
    NewerSchema,
    NoMigrationPath,
    WriteFailed,
)

SCHEMA = 2
"""Version of the files this cqp-bot writes (1: the journal + snapshot format, storage.legacy)."""
HEADER = b'{"schema":'
FOOTER = b"}\n"

Tables = dict[str, dict[str, dict[str, Any]]]
Migration = Callable[[Tables], Tables]
MIGRATIONS: Mapping[int, Migration] = {}
"""``MIGRATIONS[v]`` turns tables of version ``v`` into version ``v + 1``. None yet."""


class BadFormat(Exception):
    """What is wrong with a file's bytes; ``code`` names it for the catalogue."""

    def __init__(self, code: str, **details: Any) -> None:
        self.code = code
        self.details = details
        super().__init__(code)


def check_header(debut: bytes, fin: bytes, taille: int) -> int:
    """The schema version announced by a file's first bytes, if the file looks whole.

    Cheap enough to run on every file at start-up: it catches empty,
    truncated, NUL-filled files, trailing garbage and other documents; what it
    cannot see (a wrong type deep inside) is caught when the file is read.
    """
    if taille == 0:
        raise BadFormat("vide")
    if debut.startswith(b"\x00") or fin.endswith(b"\x00"):
        raise BadFormat("octets_nuls")
    if not debut.startswith(HEADER):
        raise BadFormat("entete")
    if not fin.endswith(FOOTER):
        raise BadFormat("tronque")
    chiffres = debut[len(HEADER) :].split(b",", 1)[0]
    if not chiffres.isdigit():
        raise BadFormat("entete")
    return int(chiffres)


def encode(tables: Tables, schema: int = SCHEMA) -> bytes:
    """A database's file: compact UTF-8 JSON, schema first; InvalidValue for NaN and the like."""
    try:
        texte = json.dumps(
            {"schema": schema, "tables": tables},
            ensure_ascii=False,
            allow_nan=False,
            check_circular=False,  # documents of JSON values: no cycle, and a tenth faster
            separators=(",", ":"),
        )
    except (ValueError, TypeError) as exc:  # NaN, infinity, a value JSON does not have
        raise InvalidValue(detail=str(exc)) from exc
    return texte.encode() + b"\n"


def decode(contenu: bytes) -> tuple[int, Tables]:
    """``(schema, tables)`` of a file, or BadFormat saying what is wrong."""
    check_header(contenu[:32], contenu[-2:], len(contenu))
    try:
        document = json.loads(contenu.decode("utf-8"), parse_constant=_refuse_constant)
    except UnicodeDecodeError as exc:
        raise BadFormat("encodage", position=exc.start) from exc
    except json.JSONDecodeError as exc:
        raise BadFormat("json", ligne=exc.lineno, colonne=exc.colno) from exc
    if not isinstance(document, dict) or set(document) != {"schema", "tables"}:
        raise BadFormat("forme")
    schema, tables = document["schema"], document["tables"]
    if not isinstance(schema, int) or not isinstance(tables, dict):
        raise BadFormat("forme")
    for table in tables.values():
        if not isinstance(table, dict) or not all(isinstance(d, dict) for d in table.values()):
            raise BadFormat("forme")
    return schema, tables


def _refuse_constant(nom: str) -> float:
    """json accepts NaN and Infinity, which are not JSON: refuse them on read too."""
    raise BadFormat("constante", nom=nom)


def move_aside(chemin: Path, quand: datetime) -> Path:
    """Move a file aside as ``<file>.corrupt-<timestamp>``: never deleted, never reset."""
    cible = chemin.with_name(f"{chemin.name}.corrupt-{quand.strftime('%Y%m%dT%H%M%S')}")
    chemin.rename(cible)
    files.fsync_dir(chemin.parent)
    return cible


class DurableStorage(Storage):
    """TinyDB's storage for one database file (or, without a path, a bytes image in memory)."""

    def __init__(
        self,
        path: Path | None = None,
        *,
        migrations: Mapping[int, Migration] = MIGRATIONS,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.path = path
        self.migrations = migrations
        self.clock = clock
        self.batching = False
        """While set, ``write`` keeps the data in memory: the owner commits the batch."""
        self.dirty = False
        """Whether the data in memory holds writes not yet committed."""
        self._data: Tables | None = None
        self._image: bytes | None = None
        """Without a path: the last committed bytes (what the file would hold)."""

    # --- TinyDB's interface -------------------------------------------------------

    def read(self) -> Tables:
        if self._data is None:
            self._data = self._load()
        return self._data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self._data = data
        self.dirty = True
        if not self.batching:
            self.persist(self.encode())

    # --- commits ----------------------------------------------------------------

    def encode(self) -> bytes:
        """The bytes of the data in memory, as the file will hold them (InvalidValue: refused)."""
        return encode(self.read())

    def persist(self, contenu: bytes, durable: bool = True) -> None:
        """Make ``contenu`` the database's file (WriteFailed: nothing changed on disk).

        ``durable=False``: without fsync, for data that can be rebuilt (``files.write_atomic``).
        """
        if self.path is None:
            self._image = contenu
        else:
            try:
                if not self.path.parent.is_dir():  # a new candidate's or channel's directory
                    files.make_dirs(self.path.parent)
                files.write_atomic(self.path, contenu, durable)
            except OSError as exc:
                raise WriteFailed(
                    fichier=self.path,
                    detail=exc.strerror,
                    errno=errno.errorcode.get(exc.errno or 0),
                ) from exc
        self.dirty = False

    def rollback(self) -> None:
        """Forget what was not committed: the next read is the last committed data."""
        self._data = None
        self.dirty = False

    @property
    def exists(self) -> bool:
        """Whether the database was ever committed (its file exists)."""
        return self._image is not None if self.path is None else self.path.exists()

    # --- reading ----------------------------------------------------------------

    def _load(self) -> Tables:
        if self.path is None:
            contenu = self._image
        else:
            try:
                contenu = self.path.read_bytes()
            except FileNotFoundError:
                contenu = None
        if contenu is None:
            return {}
        try:
            version, tables = decode(contenu)
        except BadFormat as exc:
            raise self.corrupt(exc.code, **exc.details) from exc
        if version > SCHEMA:
            raise NewerSchema(fichier=self.path, version=version, connue=SCHEMA)
        if version < SCHEMA:
            tables = self._migrate(version, tables, contenu)
        return tables

    def corrupt(self, probleme: str, **details: Any) -> CorruptData:
        """The file cannot be trusted: moved aside, and the error that says so (to raise)."""
        self._data = None
        deplaces: tuple[Path, ...] = ()
        if self.path is not None and self.path.exists():
            deplaces = (move_aside(self.path, self.clock()),)
        return CorruptData(
            fichier=self.path or "(mémoire)",
            probleme=probleme,
            details=details,
            deplace_vers=deplaces,
        )

    def _migrate(self, de: int, tables: Tables, original: bytes) -> Tables:
        """Bring tables of version ``de`` to SCHEMA; on disk, the original is kept as a backup."""
        manquantes = [v for v in range(de, SCHEMA) if v not in self.migrations]
        if manquantes:  # older than any migration we know: refuse rather than guess
            raise NoMigrationPath(fichier=self.path, version=de, connue=SCHEMA)
        for version in range(de, SCHEMA):
            tables = self.migrations[version](tables)
        if self.path is not None:
            copie = self.path.with_name(f"{self.path.name}.bak-v{de}")
            files.write_atomic(copie, original)  # the backup durable before the file changes
            files.write_atomic(self.path, encode(tables))
        return tables
