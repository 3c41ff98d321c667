"""A data directory of earlier versions (format 1), converted once at start-up, with a backup.

Format 1 kept ``systeme.json`` (the index, every conversation state, the
replies kept for retries, addresses, the system's audit) and
``evaluations/<reference>/<id>.json``: each a snapshot ``{"schema": 1, "seq":
n, "tables": {…}}`` and a journal ``<file>.journal`` of the batches since, one
line each, ``<crc32> {"seq": n, "ops": [{"op": "put"|"del", …}]}``; only the
last line can be torn by a crash (never acknowledged: dropped).

Each shard is read and written in turn — anything wrong stops start-up, the
old files untouched; ``audit.json`` is written last, so that its presence
says the conversion is whole (a crash before it: converted again from the old
files); then the old files move into ``sauvegarde-format-1-<time>/``. A purge
left pending is finished by not converting its evaluations. Request ids of
conversation states are not carried over (the flows never gave any).
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
from storage.layout import CANDIDATS, CONVERSATIONS, Layout

ANCIENS = ("systeme.json", "systeme.journal", "evaluations")
"""What a format-1 directory holds (besides the bot's own files, left in place)."""
SAUVEGARDE = "sauvegarde-format-1-"


@dataclass(frozen=True)
class Conversion:
    """What the conversion did, for the message start-up prints."""

    sauvegarde: Path
    evaluations: int
    conversations: int


def needed(root: Path) -> bool:
    return any((root / nom).exists() for nom in ANCIENS)


def backup_files(root: Path) -> list[Path]:
    """Every file of the format-1 backups under ``root`` (a purge looks into them)."""
    return [Path(d) / f for s in root.glob(f"{SAUVEGARDE}*") for d, _, fs in os.walk(s) for f in fs]


def convert(root: Path, quand: datetime) -> Conversion | None:
    """Convert a format-1 directory, or finish a conversion a crash cut short."""
    if not needed(root):
        return None
    layout, compte = Layout(root), (0, 0)
    if not layout.audit.exists():
        for ancien in (root / CANDIDATS, root / CONVERSATIONS):
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
    return Conversion(sauvegarde, *compte)


def _write_new_layout(root: Path, layout: Layout) -> tuple[int, int]:
    systeme = read_shard(root / "systeme.json")
    purges: dict[str, Any] = systeme.get("purges", {})
    purgees = {i for doc in purges.values() for i in doc["evaluations"]}
    shards = [c for c in sorted((root / "evaluations").glob("*/*.json")) if c.stem not in purgees]
    index: dict[str, dict[str, Any]] = {}
    for chemin in shards:  # one at a time: a directory may hold thousands
        tables = read_shard(chemin)
        audit = tables.get("evenements", {})
        tables["evenements"] = {f"{n:06d}": audit[c] for n, c in enumerate(sorted(audit), 1)}
        _write(layout.evaluation(chemin.parent.name, chemin.stem), tables)
        if (entete := tables.get("evaluation", {}).get("evaluation")) is not None:
            index.setdefault(chemin.parent.name, {})[chemin.stem] = entete
    for reference, entetes in index.items():
        _write(layout.index(reference), {"evaluations": entetes})
    repliques = systeme.get("repliques", {})
    for cle, etat in systeme.get("conversations", {}).items():
        a_lui = {r[len(cle) + 1 :]: d for r, d in repliques.items() if r.startswith(f"{cle}|")}
        tables = {"etat": {"etat": etat}, **({"repliques": a_lui} if a_lui else {})}
        _write(layout.conversation(etat["canal"], etat["utilisateur"]), tables)
    if systeme.get("adresses"):
        _write(layout.adresses, {"adresses": systeme["adresses"]})
    lignes = [d for _, d in sorted(systeme.get("evenements", {}).items())]
    lignes += [doc["audit"] for doc in purges.values()]
    _write(layout.audit, {"evenements": {f"{n:06d}": e for n, e in enumerate(lignes, 1)}})
    return len(shards), len(systeme.get("conversations", {}))


def _write(chemin: Path, tables: Tables) -> None:
    files.make_dirs(chemin.parent)
    files.write_atomic(chemin, encode(tables))


def read_shard(chemin: Path) -> Tables:
    """A format-1 shard: its snapshot, then its journal replayed (LegacyUnreadable if damaged)."""
    fichier, tables, seq = chemin, {}, 0
    try:
        if chemin.exists():
            document = json.loads(chemin.read_bytes().decode("utf-8"))
            if not isinstance(document, dict) or document.get("schema") != 1:
                raise LegacyUnreadable(fichier=fichier, probleme="schema")
            seq, tables = int(document["seq"]), document["tables"]
        fichier = chemin.with_suffix(".journal")
        lignes = fichier.read_bytes().split(b"\n") if fichier.exists() else [b""]
        for numero, ligne in enumerate(lignes[:-1], start=1):
            lot = _batch(ligne)
            if lot is None and numero == len(lignes) - 1 and not lignes[-1]:
                break  # the last line, torn by a crash: never acknowledged
            if lot is None:
                raise LegacyUnreadable(fichier=fichier, probleme="journal")
            if lot["seq"] > seq:
                seq = lot["seq"]
                for op in lot["ops"]:
                    table = tables.setdefault(str(op["table"]), {})
                    if op["op"] == "put":
                        table[str(op["cle"])] = op["doc"]
                    elif op["op"] == "del":
                        table.pop(str(op["cle"]), None)
                    else:  # not written by format 1: nothing is converted
                        raise LegacyUnreadable(fichier=fichier, probleme="operation")
    except (ValueError, KeyError, TypeError) as exc:
        raise LegacyUnreadable(fichier=fichier, probleme="json") from exc
    return tables


def _batch(ligne: bytes) -> dict[str, Any] | None:
    """A journal line's batch, or None if the line is not whole (cut, or a wrong CRC)."""
    try:
        if len(ligne) < 10 or ligne[8:9] != b" " or int(ligne[:8], 16) != zlib.crc32(ligne[9:]):
            return None
        lot = json.loads(ligne[9:].decode("utf-8"))
    except ValueError:
        return None
    return lot if isinstance(lot, dict) else None
