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
the flows' tests run on it.
"""

from storage.legacy import Conversion
from storage.startup import DiskStore, Verification, open_store
from storage.store import MemoryStore, TinyDBStore

__all__ = ["Conversion", "DiskStore", "MemoryStore", "TinyDBStore", "Verification", "open_store"]
