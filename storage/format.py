"""The two file formats of a shard: the snapshot (a TinyDB database) and its journal.

Snapshot ``<nom>.json``: one JSON object, UTF-8, written atomically::

    {"schema": 1, "seq": 42, "tables": {<TinyDB tables: name -> {key -> document}>}}

``schema`` comes first so that a glance at the first bytes tells the version
and a glance at the last ones (``}`` and a newline) tells whether the file is
whole — the cheap check run on every file at start-up.

Journal ``<nom>.journal``: one line per committed batch of operations,
appended and fsynced before the batch is acknowledged::

    <crc32 of the payload, 8 hex digits> {"seq": 43, "ops": [...]}\\n

A crash can only tear the *last* line (appends are sequential): a last line
without its newline or with a wrong CRC is a batch never acknowledged, and is
dropped. A bad line before the last one is corruption.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from storage.errors import InvalidValue

SCHEMA = 1
"""Version of the files this cqp-bot writes."""

HEADER = b'{"schema": '
FOOTER = b"}\n"

Tables = dict[str, dict[str, dict[str, Any]]]


class BadFormat(Exception):
    """What is wrong with a file's bytes; ``code`` names it for the catalogue."""

    def __init__(self, code: str, **details: Any) -> None:
        self.code = code
        self.details = details
        super().__init__(code)


def _dumps(valeur: Any, **options: Any) -> str:
    try:
        return json.dumps(valeur, ensure_ascii=False, allow_nan=False, **options)
    except (ValueError, TypeError) as exc:  # NaN, infinity, a non-JSON value
        raise InvalidValue(detail=str(exc)) from exc


def encode_snapshot(
    tables: Tables, seq: int, schema: int = SCHEMA, encoded: Mapping[str, str] | None = None
) -> bytes:
    """The snapshot file's bytes.

    ``encoded``: tables already encoded by :func:`encode_table` (those unchanged since the
    last snapshot), used as they are; the bytes are the same as when every table is encoded
    anew. A shard keeps them so that a snapshot re-encodes only what changed — the system
    shard's index of every evaluation is megabytes, and rarely changes.
    """
    deja = encoded or {}
    morceaux = ", ".join(
        f"{_dumps(nom)}: {deja[nom] if nom in deja else encode_table(table)}"
        for nom, table in tables.items()
    )
    entete = f'{{"schema": {_dumps(schema)}, "seq": {_dumps(seq)}, "tables": {{'
    return (entete + morceaux + "}}\n").encode("utf-8")


def encode_table(table: dict[str, dict[str, Any]]) -> str:
    """One table as the snapshot writes it (see ``encoded`` in :func:`encode_snapshot`)."""
    return _dumps(table)


def check_header(debut: bytes, fin: bytes, taille: int) -> int:
    """The schema version announced by a snapshot's first bytes, if the file looks whole.

    Cheap enough to run on every file at start-up: it catches empty,
    truncated, NUL-filled files, trailing garbage and other documents; what
    it cannot see (a wrong type deep inside) is caught when the shard loads.
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


def decode_snapshot(contenu: bytes) -> tuple[int, int, Tables]:
    """``(schema, seq, tables)`` of a snapshot, or BadFormat saying what is wrong."""
    check_header(contenu[:64], contenu[-2:], len(contenu))
    try:
        document = json.loads(contenu.decode("utf-8"), parse_constant=_refuse_constant)
    except UnicodeDecodeError as exc:
        raise BadFormat("encodage", position=exc.start) from exc
    except json.JSONDecodeError as exc:
        raise BadFormat("json", ligne=exc.lineno, colonne=exc.colno) from exc
    if not isinstance(document, dict) or set(document) != {"schema", "seq", "tables"}:
        raise BadFormat("forme")
    schema, seq, tables = document["schema"], document["seq"], document["tables"]
    if not isinstance(schema, int) or not isinstance(seq, int) or seq < 0:
        raise BadFormat("forme")
    _check_tables(tables)
    return schema, seq, tables


def _refuse_constant(nom: str) -> float:
    """json accepts NaN and Infinity, which are not JSON: refuse them on read too."""
    raise BadFormat("constante", nom=nom)


def _check_tables(tables: Any) -> None:
    if not isinstance(tables, dict):
        raise BadFormat("forme")
    for table in tables.values():
        if not isinstance(table, dict) or not all(isinstance(d, dict) for d in table.values()):
            raise BadFormat("forme")


def encode_batch(seq: int, ops: list[dict[str, Any]]) -> bytes:
    """One journal line for a batch. Raises InvalidValue before anything is written."""
    charge = _dumps({"seq": seq, "ops": ops}, separators=(",", ":"))
    octets = charge.encode("utf-8")
    return b"%08x " % zlib.crc32(octets) + octets + b"\n"


@dataclass(frozen=True)
class Journal:
    """A journal read back: its batches, and how many bytes of it are whole."""

    batches: list[tuple[int, list[dict[str, Any]]]]
    valid_size: int
    torn: bool


def decode_journal(contenu: bytes) -> Journal:
    """The batches of a journal; a torn last line is dropped, a bad earlier one is corruption."""
    lots: list[tuple[int, list[dict[str, Any]]]] = []
    position = 0
    lignes = contenu.split(b"\n")
    completes = lignes[:-1]
    for numero, ligne in enumerate(completes, start=1):
        lot = _decode_line(ligne)
        if lot is None:
            if numero == len(completes) and not lignes[-1]:
                # Only the last line can be bad without corruption: every
                # acknowledged batch was fsynced, and with it all before it.
                return Journal(lots, position, torn=True)
            raise BadFormat("journal", ligne=numero)
        if lots and lot[0] != lots[-1][0] + 1:
            raise BadFormat("journal_sequence", ligne=numero)
        lots.append(lot)
        position += len(ligne) + 1
    return Journal(lots, position, torn=bool(lignes[-1]))


def _decode_line(ligne: bytes) -> tuple[int, list[dict[str, Any]]] | None:
    if len(ligne) < 10 or ligne[8:9] != b" ":
        return None
    crc, charge = ligne[:8], ligne[9:]
    try:
        if int(crc, 16) != zlib.crc32(charge):
            return None
        lot = json.loads(charge.decode("utf-8"), parse_constant=_refuse_constant)
    except (ValueError, BadFormat):
        return None
    if (
        not isinstance(lot, dict)
        or not isinstance(lot.get("seq"), int)
        or not isinstance(lot.get("ops"), list)
    ):
        return None
    return lot["seq"], lot["ops"]
