"""Durable persistence of evaluations behind a small port owned by ``flows``.

TinyDB documents never leave this package: ``flows`` hands pydantic models in
and gets pydantic models back. One TinyDB database per evaluation, per
person's conversation and per candidate's index, each file rewritten
atomically at each commit (``docs/storage.md``)::

    store = await open_store("data")          # the directory's owner until fermer()
    await store.creer(evaluation, par="u-coord")
    await store.enregistrer(evaluation.id, reponse, par="u-expert")   # durable when it returns
    await store.fermer()

``MemoryStore()`` keeps the same rules with every file an image in memory:
the flows' tests run on it. These names are the package's whole public face: ``bot`` imports
nothing else of it (an import contract checks).
"""

from storage.errors import StoreError
from storage.files import write_atomic
from storage.legacy import Conversion
from storage.startup import DiskStore, Verification, open_store
from storage.store import MemoryStore, TinyDBStore

__all__ = [
    "Conversion", "DiskStore", "MemoryStore", "StoreError", "TinyDBStore", "Verification",
    "open_store", "write_atomic",
]  # fmt: skip
