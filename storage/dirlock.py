"""One owner process per data directory.

Two processes writing the same files would each believe their own view; so
the first one takes an exclusive ``flock`` on ``<data>/.verrou`` and holds it
for its lifetime. The kernel releases it when the process dies, even by
``kill -9``, so a crash never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from storage.errors import StoreLocked

LOCK_NAME = ".verrou"


class DirectoryLock:
    """The exclusive lock on a data directory; ``release()`` or process exit releases it."""

    def __init__(self, dossier: Path) -> None:
        self.path = dossier / LOCK_NAME
        self._fd: int | None = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = os.read(self._fd, 32).decode("ascii", "replace").strip() or "?"
            os.close(self._fd)
            self._fd = None
            raise StoreLocked(dossier=dossier, pid=pid) from None
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, str(os.getpid()).encode("ascii"), 0)

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
