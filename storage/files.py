"""Durable file operations: the only place that writes bytes to disk.

Why each step: a write is durable only once ``fsync`` returns; ``os.replace``
makes a new file appear whole or not at all; and the directory itself must be
fsynced for a rename or a new file to survive a power cut. All of it is
blocking: callers run it in a worker thread, but for an append to a fast disk
(``storage.disque``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

TEMP_SUFFIX = ".tmp"
IOV_MAX = max(os.sysconf("SC_IOV_MAX") if hasattr(os, "sysconf") else 0, 0) or 1024
"""Parts one ``os.writev`` call takes at most (the system's limit; 1024 where it says none)."""


def fsync_dir(dossier: Path) -> None:
    """Make the directory's entries (new, renamed, removed files) durable."""
    fd = os.open(dossier, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_file(chemin: Path) -> None:
    """Make a file's content durable (e.g. a backup copied with shutil)."""
    fd = os.open(chemin, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(chemin: Path, contenu: bytes | Sequence[bytes]) -> None:
    """Replace ``chemin`` by ``contenu``: afterwards the file is the old one or the new one, whole.

    ``contenu``: bytes, or parts written one after the other (never joined in memory).
    Temp file in the same directory (same file system, so the rename is
    atomic), fsync, rename over the target, fsync the directory.
    """
    temporaire = chemin.with_name(chemin.name + TEMP_SUFFIX)
    fd = os.open(temporaire, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        try:
            _write_all(fd, [contenu] if isinstance(contenu, bytes) else contenu)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporaire, chemin)
    except OSError:
        temporaire.unlink(missing_ok=True)  # a failed snapshot must not keep eating the disk
        raise
    fsync_dir(chemin.parent)


def _write_all(fd: int, parties: Sequence[bytes]) -> None:
    """Write every part, in order, IOV_MAX parts a system call (``os.writev``)."""
    for debut in range(0, len(parties), IOV_MAX):
        lot = parties[debut : debut + IOV_MAX]
        reste = os.writev(fd, lot)
        for partie in lot:  # what a short write left, part by part
            if reste >= len(partie):
                reste -= len(partie)
                continue
            vue = memoryview(partie)[reste:]
            reste = 0
            while vue:
                vue = vue[os.write(fd, vue) :]


def append_durable(chemin: Path, ligne: bytes, durable: bool = True) -> None:
    """Append ``ligne`` to ``chemin`` and return only once it is on disk.

    If the append fails half-way (disk full), the file is cut back to its
    previous length, so that a torn line never sits before a later one.
    ``durable=False`` skips the fsyncs, for data that can be rebuilt: the line
    survives a crash of the process (the kernel has it) but maybe not a power
    cut — and the next durable append to the file makes it durable too.
    """
    fd = os.open(chemin, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        taille = os.fstat(fd).st_size
        try:
            vue = memoryview(ligne)
            while vue:
                vue = vue[os.write(fd, vue) :]
            if durable:
                os.fsync(fd)
        except OSError:
            os.ftruncate(fd, taille)
            os.fsync(fd)
            raise
    finally:
        os.close(fd)
    if taille == 0 and durable:
        # The file may be new: its directory entry must be durable too. Checked on
        # size, not on creation, so that a first append that failed is covered.
        fsync_dir(chemin.parent)


def truncate(chemin: Path, taille: int = 0) -> None:
    """Cut ``chemin`` to ``taille`` bytes, durably."""
    fd = os.open(chemin, os.O_WRONLY)
    try:
        os.ftruncate(fd, taille)
        os.fsync(fd)
    finally:
        os.close(fd)


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
