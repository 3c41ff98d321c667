"""Durable file operations: the only place that writes bytes to disk.

Why each step: a write is durable only once ``fsync`` returns; ``os.replace``
makes a new file appear whole or not at all; and the directory itself must be
fsynced for a new, renamed or removed entry to survive a power cut.
"""

from __future__ import annotations

import os
from pathlib import Path

TEMP_SUFFIX = ".tmp"
"""A file being written: a crash before its rename leaves it, holding nothing acknowledged."""


def fsync_dir(dossier: Path) -> None:
    """Make the directory's entries (new, renamed, removed files) durable."""
    fd = os.open(dossier, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(chemin: Path, contenu: bytes, durable: bool = True) -> None:
    """Replace ``chemin`` by ``contenu``: afterwards the file is the old one or the new one, whole.

    Temp file in the same directory (same file system, so the rename is
    atomic), fsync, rename over the target, fsync the directory.
    ``durable=False`` skips both fsyncs, for data that can be rebuilt: the new
    file survives a crash of the process (the kernel has it), maybe not a
    power cut.
    """
    temporaire = chemin.with_name(chemin.name + TEMP_SUFFIX)
    try:
        fd = os.open(temporaire, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            vue = memoryview(contenu)
            while vue:
                vue = vue[os.write(fd, vue) :]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporaire, chemin)
    except OSError:
        temporaire.unlink(missing_ok=True)  # a failed write must not keep eating the disk
        raise
    if durable:
        fsync_dir(chemin.parent)


def make_dirs(dossier: Path) -> None:
    """Create ``dossier`` and its missing parents, each one durably entered in its parent."""
    manquants = []
    while not dossier.exists():
        manquants.append(dossier)
        dossier = dossier.parent
    for d in reversed(manquants):
        d.mkdir(exist_ok=True)
        fsync_dir(d.parent)


def remove_files(*chemins: Path) -> None:
    """Remove files (missing ones are fine) and make the removal durable."""
    dossiers = set()
    for chemin in chemins:
        try:
            chemin.unlink()
            dossiers.add(chemin.parent)
        except FileNotFoundError:
            pass
    for dossier in dossiers:
        fsync_dir(dossier)


def remove_tree(dossier: Path) -> None:
    """Remove a directory and everything in it, durably (deepest entries first)."""
    if not dossier.is_dir():
        return
    for parent, sous_dossiers, fichiers in os.walk(dossier, topdown=False):
        base = Path(parent)
        remove_files(*(base / f for f in fichiers))
        for sous_dossier in sous_dossiers:
            (base / sous_dossier).rmdir()
        if sous_dossiers:
            fsync_dir(base)
    dossier.rmdir()
    fsync_dir(dossier.parent)
