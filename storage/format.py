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
from json.encoder import encode_basestring
from typing import Any

from storage.errors import InvalidValue

SCHEMA = 1
"""Version of the files this cqp-bot writes."""

HEADER = b'{"schema": '
FOOTER = b"}\n"

Tables = dict[str, dict[str, dict[str, Any]]]
COMPACT = (",", ":")
"""JSON separators of the journal's lines and of the snapshot's tables."""


class BadFormat(Exception):
    """What is wrong with a file's bytes; ``code`` names it for the catalogue."""

    def __init__(self, code: str, **details: Any) -> None:
        self.code = code
        self.details = details
        super().__init__(code)


def encode_document(document: dict[str, Any]) -> str:
    """A record's document as the journal and the snapshot write it."""
    return _dumps(document, separators=COMPACT)


def _dumps(valeur: Any, **options: Any) -> str:
    try:
        return json.dumps(valeur, ensure_ascii=False, allow_nan=False, **options)
    except (ValueError, TypeError) as exc:  # NaN, infinity, a non-JSON value
        raise InvalidValue(detail=str(exc)) from exc


def encode_snapshot(
    tables: Tables,
    seq: int,
    schema: int = SCHEMA,
    fragments: Mapping[str, Mapping[str, bytes]] | None = None,
) -> bytes:
    """The snapshot file's bytes (joined from :func:`snapshot_parts`)."""
    return b"".join(snapshot_parts(tables, seq, schema, fragments))


def snapshot_parts(
    tables: Tables,
    seq: int,
    schema: int = SCHEMA,
    fragments: Mapping[str, Mapping[str, bytes]] | None = None,
) -> list[bytes]:
    """The snapshot file's bytes, in parts to be written one after the other.

    ``fragments``: for some tables, each record already encoded as
    :func:`encode_record` does (``"key":{document}``), in the table's order —
    the shard keeps them from its writes, so that a snapshot lists them
    instead of encoding, or even joining, megabytes in the event loop (the
    parts go to ``os.writev`` as they are). The bytes are the same as when
    every table is encoded anew.
    """
    deja = fragments or {}
    parties = [f'{{"schema": {_dumps(schema)}, "seq": {_dumps(seq)}, "tables": {{'.encode()]
    for i, (nom, table) in enumerate(tables.items()):
        debut = ("," if i else "") + encode_basestring(nom) + ":"
        if nom not in deja:
            parties.append((debut + _dumps(table, separators=COMPACT)).encode())
            continue
        enregistrements = list(deja[nom].values())
        avec_virgules = [b","] * (2 * len(enregistrements) - 1) if enregistrements else []
        avec_virgules[0::2] = enregistrements
        parties += [(debut + "{").encode(), *avec_virgules, b"}"]
    parties.append(b"}}\n")
    return parties


def encode_record(cle: str, document: str) -> bytes:
    """One record as a snapshot's table holds it: its key and its encoded document."""
    return f"{encode_basestring(cle)}:{document}".encode()


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


def encode_batch(seq: int, ops: list[dict[str, Any]]) -> tuple[bytes, list[str | None]]:
    """One journal line for a batch, and each operation's document as encoded in it.

    The line is the compact JSON of ``{"seq": seq, "ops": ops}`` (an operation's
    fields are strings, but its document), each document encoded once, for the
    line and for the shard's snapshot (``encode_record``). Raises InvalidValue
    before anything is written.
    """
    documents: list[str | None] = []
    morceaux = []
    for op in ops:
        document = encode_document(op["doc"]) if "doc" in op else None
        documents.append(document)
        champs = (
            f"{_chaine(cle)}:{document if cle == 'doc' else _chaine(valeur)}"
            for cle, valeur in op.items()
        )
        morceaux.append("{" + ",".join(champs) + "}")
    octets = f'{{"seq":{int(seq)},"ops":[{",".join(morceaux)}]}}'.encode()
    return b"%08x " % zlib.crc32(octets) + octets + b"\n", documents


def _chaine(valeur: Any) -> str:
    """A string as JSON (the C encoder, without json.dumps' machinery); anything else refused."""
    if not isinstance(valeur, str):
        raise InvalidValue(detail=f"{type(valeur).__name__} where a string is expected")
    return encode_basestring(valeur)


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
