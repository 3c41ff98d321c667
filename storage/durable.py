"""TinyDB's ``Storage`` for one database file: kept in memory, rewritten atomically at each commit.

TinyDB's own ``JSONStorage`` rewrites its file in place (a crash tears it),
opens an empty file as an empty database and writes ``NaN`` as invalid JSON.
This one writes ``{"schema": 2, "tables": …}`` through ``files.write_atomic``
(the old file or the new one, whole), refuses ``NaN`` before anything is
written, moves aside a file it cannot trust (``<file>.corrupt-<time>``,
``CorruptData``), refuses a newer schema and migrates an older one on read,
keeping the original as ``<file>.bak-v<N>``. While ``batching`` is set,
TinyDB's writes (one per table operation) stay in memory and the owner
commits them as one (``storage.database``). Without a path, the "file" is a
bytes image in memory: the flows' tests run on this very code.
"""

from __future__ import annotations

import errno
import json
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from flows import catalogue
from storage import files
from storage.errors import CorruptData, InvalidValue, NewerSchema, NoMigrationPath, WriteFailed

SCHEMA = 2
"""Version of the files this cqp-bot writes (1: the journal + snapshot format, storage.legacy)."""
HEADER, FOOTER = b'{"schema":', b"}\n"

Tables = dict[str, dict[str, dict[str, Any]]]
Migration = Callable[[Tables], Tables]
MIGRATIONS: Mapping[int, Migration] = {}
"""``MIGRATIONS[v]`` turns tables of version ``v`` into version ``v + 1``. None yet."""


class BadFormat(Exception):
    """What is wrong with a file's bytes; ``code`` names it for the catalogue."""

    def __init__(self, code: str, **details: Any) -> None:
        super().__init__(code)
        self.code, self.details = code, details


def check_header(debut: bytes, fin: bytes, taille: int) -> int:
    """The schema a file's first bytes announce, if its first and last bytes look whole.

    Cheap enough for every file at start-up: it catches empty, truncated and
    NUL-filled files, trailing garbage and other documents.
    """
    if taille == 0:
        raise BadFormat("vide")
    if debut.startswith(b"\x00") or fin.endswith(b"\x00"):
        raise BadFormat("octets_nuls")
    chiffres = debut[len(HEADER) :].split(b",", 1)[0]
    if not debut.startswith(HEADER) or not chiffres.isdigit():
        raise BadFormat("entete")
    if not fin.endswith(FOOTER):
        raise BadFormat("tronque")
    return int(chiffres)


def encode(tables: Tables, schema: int = SCHEMA) -> bytes:
    """A database's file: compact UTF-8 JSON, schema first; InvalidValue for NaN and the like."""
    try:
        texte = json.dumps(
            {"schema": schema, "tables": tables}, ensure_ascii=False, allow_nan=False,
            check_circular=False, separators=(",", ":"),
        )  # fmt: skip
    except (ValueError, TypeError) as exc:
        raise InvalidValue(detail=str(exc)) from exc
    return texte.encode() + b"\n"


def decode(contenu: bytes) -> tuple[int, Tables]:
    """``(schema, tables)`` of a file's bytes, or BadFormat saying what is wrong."""
    check_header(contenu[:32], contenu[-2:], len(contenu))
    try:
        document = json.loads(contenu.decode("utf-8"), parse_constant=_refuse_constant)
    except UnicodeDecodeError as exc:
        raise BadFormat("encodage", position=exc.start) from exc
    except json.JSONDecodeError as exc:
        raise BadFormat("json", ligne=exc.lineno, colonne=exc.colno) from exc
    tables = document.get("tables") if isinstance(document, dict) else None
    if (
        set(document) != {"schema", "tables"}
        or not isinstance(document["schema"], int)
        or not isinstance(tables, dict)
        or not all(isinstance(t, dict) and all(isinstance(d, dict) for d in t.values())
                   for t in tables.values())
    ):  # fmt: skip
        raise BadFormat("forme")
    return document["schema"], tables


def _refuse_constant(nom: str) -> float:
    """Python's json reads NaN and Infinity, which are not JSON: refused on read too."""
    raise BadFormat("constante", nom=nom)


def move_aside(chemin: Path, quand: datetime) -> Path:
    """Move a file aside as ``<file>.corrupt-<timestamp>``: never deleted, never reset."""
    cible = chemin.with_name(f"{chemin.name}.corrupt-{quand.strftime('%Y%m%dT%H%M%S')}")
    chemin.rename(cible)
    files.fsync_dir(chemin.parent)
    return cible


class DurableStorage(Storage):
    """The storage of one database: its file (or, without a path, a bytes image in memory)."""

    def __init__(
        self, path: Path | None, migrations: Mapping[int, Migration], clock: Callable[[], datetime]
    ) -> None:
        self.path, self.migrations, self.clock = path, migrations, clock
        self.batching = False
        """While set, ``write`` keeps the data in memory: the owner commits the batch."""
        self.dirty = False
        self.stored = False
        """Whether the data was read from a file (or an image) already written."""
        self._data: Tables | None = None
        self._image: bytes | None = None

    def read(self) -> Tables:
        if self._data is None:
            self._data = self._load()
        return self._data

    def write(self, data: Tables) -> None:
        self._data, self.dirty = data, True
        if not self.batching:
            self.persist(self.encode())

    def encode(self) -> bytes:
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
                    fichier=self.path, detail=exc.strerror,
                    errno=errno.errorcode.get(exc.errno or 0),
                ) from exc  # fmt: skip
        self.dirty = False

    def rollback(self) -> None:
        """Forget what was not committed: the next read is the last committed data."""
        self._data, self.dirty = None, False

    def corrupt(self, probleme: str, **details: Any) -> CorruptData:
        """The file cannot be trusted: it is moved aside; the error that says so, to raise."""
        self._data = None
        deplaces: tuple[Path, ...] = ()
        if self.path is not None and self.path.exists():
            deplaces = (move_aside(self.path, self.clock()),)
        return CorruptData(
            fichier=self.path or catalogue.FICHIER_EN_MEMOIRE, probleme=probleme, details=details,
            deplace_vers=deplaces,
        )  # fmt: skip

    def _load(self) -> Tables:
        try:
            contenu = self._image if self.path is None else self.path.read_bytes()
        except FileNotFoundError:
            contenu = None
        if contenu is None:
            return {}  # a database not written yet
        self.stored = True
        try:
            version, tables = decode(contenu)
        except BadFormat as exc:
            raise self.corrupt(exc.code, **exc.details) from exc
        if version > SCHEMA:
            raise NewerSchema(fichier=self.path, version=version, connue=SCHEMA)
        if version < SCHEMA:  # older: migrated step by step, the original kept
            if any(v not in self.migrations for v in range(version, SCHEMA)):
                raise NoMigrationPath(fichier=self.path, version=version, connue=SCHEMA)
            for v in range(version, SCHEMA):
                tables = self.migrations[v](tables)
            if self.path is not None:
                files.write_atomic(self.path.with_name(f"{self.path.name}.bak-v{version}"), contenu)
                files.write_atomic(self.path, encode(tables))
        return tables
