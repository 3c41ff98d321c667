"""Where each database lives in the data directory, and the inventory start-up makes of them.

::

    <data>/.verrou, .verrou.pid                       the owner process's lock, and its pid
    <data>/audit.json                                 exports and purges (they outlive the
                                                      candidates), and purges under way
    <data>/adresses.json                              how each channel reaches people and
                                                      conversations again
    <data>/candidats/<reference>/candidat.json        the index: the candidate's evaluations
    <data>/candidats/<reference>/evaluations/<id>.json    one evaluation (candidate × bloc)
    <data>/conversations/<canal>/<utilisateur>.json   one person's conversation on a channel

Everything about a candidate is under one directory named by their
pseudonymous reference (never their name): an export reads it, a purge
erases it. No file grows with the number of evaluations stored: an
evaluation's file with its own records, a candidate's index with their
handful of evaluations, a person's with their conversation.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from storage.files import TEMP_SUFFIX

AUDIT = "audit.json"
ADRESSES = "adresses.json"
CANDIDATS = "candidats"
CONVERSATIONS = "conversations"
INDEX = "candidat.json"
EVALUATIONS = "evaluations"
COPIES = (".bak-v", ".corrupt-")
"""What the names of copies contain: backups before a migration, files moved aside."""

_NOM_SUR = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def file_name(texte: str) -> str:
    """A name to file ``texte`` under: itself if it is a safe file name, else a digest.

    User ids of Slack (``U0123``) and of the web chat are safe as they are;
    a Teams id (``29:1a…``) or an unusual channel name gets ``~`` and a
    SHA-256 digest, which no safe name can start with.
    """
    if _NOM_SUR.fullmatch(texte):
        return texte
    return "~" + hashlib.sha256(texte.encode()).hexdigest()[:40]


@dataclass(frozen=True)
class Layout:
    """The paths of a data directory's databases.

    The paths of evaluations and conversations are made once each: a click
    uses two, and building a ``Path`` costs more than using it.
    """

    root: Path
    _faits: dict[tuple[str, str, str], Path] = field(default_factory=dict, compare=False)

    @property
    def audit(self) -> Path:
        return self.root / AUDIT

    @property
    def adresses(self) -> Path:
        return self.root / ADRESSES

    def candidat_dir(self, reference: str) -> Path:
        return self.root / CANDIDATS / reference

    def index(self, reference: str) -> Path:
        return self.candidat_dir(reference) / INDEX

    def evaluation(self, reference: str, evaluation_id: str) -> Path:
        cle = (EVALUATIONS, reference, evaluation_id)
        if (chemin := self._faits.get(cle)) is None:
            chemin = self.candidat_dir(reference) / EVALUATIONS / f"{evaluation_id}.json"
            self._faits[cle] = chemin
        return chemin

    def conversation(self, canal: str, utilisateur: str) -> Path:
        cle = (CONVERSATIONS, canal, utilisateur)
        if (chemin := self._faits.get(cle)) is None:
            nom = f"{file_name(utilisateur)}.json"
            chemin = self._faits[cle] = self.root / CONVERSATIONS / file_name(canal) / nom
        return chemin


@dataclass
class Inventory:
    """What start-up found on disk, in one pass of ``os.scandir`` (paths as strings: they
    are many, and a ``Path`` costs more to build than a check of the file costs)."""

    evaluations: dict[str, list[str]] = field(default_factory=dict)
    """The evaluation ids with a file, by candidate reference."""
    databases: dict[str, list[str]] = field(default_factory=dict)
    """Every database file of the layout, by kind: evaluation, index, conversation, racine."""
    temporaires: list[Path] = field(default_factory=list)
    """Files a crash left before their rename: they hold nothing acknowledged."""
    copies: list[Path] = field(default_factory=list)


def _trier(entree: os.DirEntry[str], sorte: str, inventaire: Inventory) -> bool:
    """File a file of the layout in the inventory; whether it is a database."""
    nom = entree.name
    if nom.endswith(TEMP_SUFFIX):
        inventaire.temporaires.append(Path(entree.path))
    elif any(marque in nom for marque in COPIES):
        inventaire.copies.append(Path(entree.path))
    elif nom.endswith(".json"):
        inventaire.databases.setdefault(sorte, []).append(entree.path)
        return True
    return False


def _fichiers(dossier: str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(dossier) as entrees:
            return [e for e in entrees if e.is_file()]
    except FileNotFoundError:
        return []


def _dossiers(dossier: str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(dossier) as entrees:
            return [e for e in entrees if e.is_dir()]
    except FileNotFoundError:
        return []


def inventory(root: Path) -> Inventory:
    """Every file of the layout under ``root`` (other files there are not the store's)."""
    inventaire = Inventory()
    for entree in _fichiers(str(root)):
        if entree.name.startswith((AUDIT, ADRESSES)):
            _trier(entree, "racine", inventaire)
    for candidat in _dossiers(os.path.join(root, CANDIDATS)):
        ids = inventaire.evaluations.setdefault(candidat.name, [])
        for entree in _fichiers(candidat.path):
            _trier(entree, "index", inventaire)
        for entree in _fichiers(os.path.join(candidat.path, EVALUATIONS)):
            if _trier(entree, "evaluation", inventaire):
                ids.append(entree.name.removesuffix(".json"))
    for canal in _dossiers(os.path.join(root, CONVERSATIONS)):
        for entree in _fichiers(canal.path):
            _trier(entree, "conversation", inventaire)
    return inventaire
