"""The data directory of earlier versions (format 1), converted once at start-up, with a backup.

Format 1 kept shards: ``systeme.json`` (the index of every evaluation, every
conversation state, the replies kept for retries, addresses, the system's
audit) and ``evaluations/<reference>/<id>.json``, each a snapshot
``{"schema": 1, "seq": n, "tables": {…}}`` followed by a journal
``<file>.journal`` of the batches committed since, one line each:
``<crc32, 8 hex digits> {"seq": n, "ops": [{"op": "put"|"del", …}]}``.
A crash could tear only the last line, never acknowledged: it is dropped.

The conversion, run before anything else reads the directory:

1. every shard is read (snapshot, then its journal replayed); anything
   wrong stops start-up with a French message, and nothing is touched;
2. the new layout is written (``storage.layout``), ``audit.json`` last: its
   presence says the new layout is whole — a crash before it, and the next
   start-up converts again from the old files, untouched;
3. the old files move into ``sauvegarde-format-1-<time>/``, where an
   operator may delete them once satisfied (a purge erases what there names
   the candidate purged).

A purge the old version left pending is finished by not converting that
candidate's evaluations, its audit line written. Request ids of conversation
states (kept a day) are not carried over: the flows never gave any.
"""

from __future__ import annotations

import json
import os
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from storage import files
from storage.durable import Tables, encode
from storage.errors import LegacyUnreadable
from storage.layout import Layout

ANCIENS = ("systeme.json", "systeme.journal", "evaluations")
"""What a format-1 directory holds (besides files of the bot's own, left in place)."""
SAUVEGARDE = "sauvegarde-format-1-"


@dataclass(frozen=True)
class Conversion:
    """What the conversion did, for the message start-up prints."""

    sauvegarde: Path
    evaluations: int
    conversations: int


class _Illisible(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def needed(root: Path) -> bool:
    """Whether ``root`` still holds format-1 files."""
    return any((root / nom).exists() for nom in ANCIENS)


def backup_files(root: Path) -> list[Path]:
    """Every file of the format-1 backups under ``root``."""
    return [
        Path(parent) / nom
        for sauvegarde in root.glob(f"{SAUVEGARDE}*")
        for parent, _, noms in os.walk(sauvegarde)
        for nom in noms
    ]


def convert(root: Path, quand: datetime) -> Conversion | None:
    """Convert a format-1 directory (steps 1–3 above), or finish a conversion a crash cut short."""
    if not needed(root):
        return None
    layout = Layout(root)
    compte = (0, 0)
    if not layout.audit.exists():
        for ancien in (root / "candidats", root / "conversations"):
            files.remove_tree(ancien)  # what an interrupted conversion had written
        files.remove_files(layout.adresses)
        compte = _write_new_layout(root, layout)
    sauvegarde = root / f"{SAUVEGARDE}{quand.strftime('%Y%m%dT%H%M%S')}"
    files.make_dirs(sauvegarde)
    for nom in ANCIENS:
        if (root / nom).exists():
            os.replace(root / nom, sauvegarde / nom)
    files.fsync_dir(root)
    files.fsync_dir(sauvegarde)
    return Conversion(sauvegarde=sauvegarde, evaluations=compte[0], conversations=compte[1])


def _write_new_layout(root: Path, layout: Layout) -> tuple[int, int]:
    systeme = read_shard(root / "systeme.json")
    purges: dict[str, Any] = systeme.get("purges", {})
    purgees = {i for doc in purges.values() for i in doc["evaluations"]}
    evaluations = 0
    index: dict[str, dict[str, Any]] = {}
    dossier = root / "evaluations"
    for chemin in sorted(dossier.glob("*/*.json")) if dossier.is_dir() else []:
        reference, evaluation_id = chemin.parent.name, chemin.stem
        if evaluation_id in purgees:
            continue
        tables = read_shard(chemin)
        numeros = sorted(tables.get("evenements", {}))
        tables["evenements"] = {
            f"{n:06d}": tables["evenements"][cle] for n, cle in enumerate(numeros, start=1)
        }
        _write(layout.evaluation(reference, evaluation_id), tables)
        entete = tables.get("evaluation", {}).get("evaluation")
        if entete is not None:
            index.setdefault(reference, {})[evaluation_id] = entete
        evaluations += 1
    for reference, entetes in index.items():
        _write(layout.index(reference), {"evaluations": entetes})
    conversations = systeme.get("conversations", {})
    repliques = systeme.get("repliques", {})
    for cle, etat in conversations.items():
        tables = {"etat": {"etat": etat}}
        a_lui = {r[len(cle) + 1 :]: doc for r, doc in repliques.items() if r.startswith(f"{cle}|")}
        if a_lui:
            tables["repliques"] = a_lui
        _write(layout.conversation(etat["canal"], etat["utilisateur"]), tables)
    if systeme.get("adresses"):
        _write(layout.adresses, {"adresses": systeme["adresses"]})
    evenements = [doc for _, doc in sorted(systeme.get("evenements", {}).items())]
    evenements += [doc["audit"] for doc in purges.values()]
    _write(
        layout.audit, {"evenements": {f"{n:06d}": e for n, e in enumerate(evenements, start=1)}}
    )  # last: the new layout is whole
    return evaluations, len(conversations)


def _write(chemin: Path, tables: Tables) -> None:
    files.make_dirs(chemin.parent)
    files.write_atomic(chemin, encode(tables))


def read_shard(chemin: Path) -> Tables:
    """A format-1 shard: its snapshot, then its journal replayed (LegacyUnreadable if damaged)."""
    fichier = chemin
    try:
        tables: Tables = {}
        seq = 0
        if chemin.exists():
            document = json.loads(chemin.read_bytes().decode("utf-8"))
            if not isinstance(document, dict) or document.get("schema") != 1:
                raise _Illisible("schema")
            seq, tables = int(document["seq"]), document["tables"]
        fichier = chemin.with_suffix(".journal")
        lignes = fichier.read_bytes().split(b"\n") if fichier.exists() else [b""]
        for numero, ligne in enumerate(lignes[:-1], start=1):
            lot = _line(ligne)
            if lot is None:
                if numero == len(lignes) - 1 and not lignes[-1]:
                    break  # the last line, torn by a crash: never acknowledged
                raise _Illisible("journal")
            if lot["seq"] > seq:
                _apply(tables, lot["ops"])
                seq = lot["seq"]
    except (_Illisible, ValueError, KeyError, TypeError) as exc:
        code = exc.code if isinstance(exc, _Illisible) else "json"
        raise LegacyUnreadable(fichier=fichier, probleme=code) from exc
    return tables


def _line(ligne: bytes) -> dict[str, Any] | None:
    """A journal line's batch, or None if the line is not whole (wrong CRC, cut)."""
    try:
        if len(ligne) < 10 or ligne[8:9] != b" " or int(ligne[:8], 16) != zlib.crc32(ligne[9:]):
            return None
        lot = json.loads(ligne[9:].decode("utf-8"))
    except ValueError:
        return None
    return lot if isinstance(lot, dict) else None


def _apply(tables: Tables, ops: list[dict[str, Any]]) -> None:
    for op in ops:
        table = tables.setdefault(str(op["table"]), {})
        if op["op"] == "put":
            table[str(op["cle"])] = op["doc"]
        elif op["op"] == "del":
            table.pop(str(op["cle"]), None)
        else:
            raise _Illisible("operation")
