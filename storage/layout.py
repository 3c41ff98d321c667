"""Where each database lives in the data directory (docs/storage.md draws it), and the
inventory start-up makes of them.

Everything about a candidate is under ``candidats/<reference>/``: their pseudonymous
reference names the directory, never their name.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from storage.files import TEMP_SUFFIX

AUDIT, ADRESSES, INDEX = "audit.json", "adresses.json", "candidat.json"
SESSIONS = "sessions.json"
CANDIDATS, EVALUATIONS, CONVERSATIONS = "candidats", "evaluations", "conversations"
COPIES = (".bak-v", ".corrupt-")
"""What the names of copies contain: a backup before a migration, a file moved aside."""
_NOM_SUR = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def file_name(texte: str) -> str:
    """``texte`` if it is a safe file name (Slack's ``U0123``, the web chat's ids), else ``~``
    and a SHA-256 digest (a Teams id ``29:1a…``), which no safe name can start with."""
    if _NOM_SUR.fullmatch(texte):
        return texte
    return "~" + hashlib.sha256(texte.encode()).hexdigest()[:40]


@dataclass(frozen=True)
class Layout:
    """The paths of a data directory's databases; those used on every click are made once
    (building a ``Path`` costs more than using it)."""

    root: Path
    _faits: dict[tuple[str, str, str], Path] = field(default_factory=dict, compare=False)

    @property
    def audit(self) -> Path:
        return self.root / AUDIT

    @property
    def adresses(self) -> Path:
        return self.root / ADRESSES

    @property
    def sessions(self) -> Path:
        return self.root / SESSIONS

    def candidat_dir(self, reference: str) -> Path:
        return self.root / CANDIDATS / reference

    def index(self, reference: str) -> Path:
        return self.candidat_dir(reference) / INDEX

    def evaluation(self, reference: str, evaluation_id: str) -> Path:
        if (chemin := self._faits.get((EVALUATIONS, reference, evaluation_id))) is None:
            chemin = self.candidat_dir(reference) / EVALUATIONS / f"{evaluation_id}.json"
            self._faits[EVALUATIONS, reference, evaluation_id] = chemin
        return chemin

    def conversations(self, canal: str) -> Path:
        return self.root / CONVERSATIONS / file_name(canal)

    def conversation(self, canal: str, utilisateur: str) -> Path:
        if (chemin := self._faits.get((CONVERSATIONS, canal, utilisateur))) is None:
            chemin = self.conversations(canal) / f"{file_name(utilisateur)}.json"
            self._faits[CONVERSATIONS, canal, utilisateur] = chemin
        return chemin


@dataclass
class Inventory:
    """What start-up finds on disk, in one ``os.scandir`` pass (paths as strings: there are
    tens of thousands, and making each a ``Path`` would cost more than checking it)."""

    evaluations: dict[str, list[str]] = field(default_factory=dict)
    """The evaluation ids with a file, by candidate reference."""
    ecrites: dict[str, float] = field(default_factory=dict)
    """When each evaluation's file was last written (POSIX time), by id."""
    index_ecrits: dict[str, float] = field(default_factory=dict)
    """When the index of each evaluation's candidate was last written, by evaluation id."""
    databases: dict[str, list[str]] = field(default_factory=dict)
    """Every database file, by kind: evaluation, index, conversation, racine."""
    temporaires: list[Path] = field(default_factory=list)
    """Left by a crash before their rename: they hold nothing acknowledged."""
    copies: list[Path] = field(default_factory=list)

    def file(self, entree: os.DirEntry[str], sorte: str) -> bool:
        """File a file in the inventory; whether it is a database."""
        if entree.name.endswith(TEMP_SUFFIX):
            self.temporaires.append(Path(entree.path))
        elif any(marque in entree.name for marque in COPIES):
            self.copies.append(Path(entree.path))
        elif entree.name.endswith(".json"):
            self.databases.setdefault(sorte, []).append(entree.path)
            return True
        return False


def _entrees(dossier: str, dossiers: bool = False) -> list[os.DirEntry[str]]:
    """The files (or the sub-directories) of ``dossier``; none if it does not exist."""
    try:
        with os.scandir(dossier) as entrees:
            return [e for e in entrees if (e.is_dir() if dossiers else e.is_file())]
    except FileNotFoundError:
        return []


def changed_since(dossier: Path, depuis: float) -> list[Path]:
    """The database files of ``dossier`` written since ``depuis`` (a POSIX time)."""
    return [
        Path(e.path)
        for e in _entrees(str(dossier))
        if e.name.endswith(".json") and e.stat().st_mtime >= depuis
    ]


def inventory(root: Path) -> Inventory:
    """Every file of the layout under ``root`` (the other files there are not the store's)."""
    inventaire = Inventory()
    for entree in _entrees(str(root)):
        if entree.name.startswith((AUDIT, ADRESSES, SESSIONS)):
            inventaire.file(entree, "racine")
    for candidat in _entrees(os.path.join(root, CANDIDATS), dossiers=True):
        ids = inventaire.evaluations.setdefault(candidat.name, [])
        index_ecrit = 0.0
        for entree in _entrees(candidat.path):
            if inventaire.file(entree, "index") and entree.name == INDEX:
                index_ecrit = entree.stat().st_mtime
        for entree in _entrees(os.path.join(candidat.path, EVALUATIONS)):
            if inventaire.file(entree, "evaluation"):
                ids.append(evaluation_id := entree.name.removesuffix(".json"))
                inventaire.ecrites[evaluation_id] = entree.stat().st_mtime
                inventaire.index_ecrits[evaluation_id] = index_ecrit
    for canal in _entrees(os.path.join(root, CONVERSATIONS), dossiers=True):
        for entree in _entrees(canal.path):
            inventaire.file(entree, "conversation")
    return inventaire
