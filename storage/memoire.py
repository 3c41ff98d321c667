"""The store in memory: for the flows' tests, with exactly the rules of the real one."""

from __future__ import annotations

from storage.base import SYSTEME, Horloge, StoreDeShards, maintenant
from storage.shard import Shard


class StoreMemoire(StoreDeShards):
    """Shards that live as long as the object; nothing is written anywhere."""

    def __init__(self, horloge: Horloge = maintenant) -> None:
        super().__init__(horloge)
        self._systeme_shard = Shard(SYSTEME, {}, 0, None)
        self._shards: dict[str, Shard] = {}

    async def _systeme(self) -> Shard:
        return self._systeme_shard

    async def _ouvrir_shard(self, evaluation_id: str, reference: str | None) -> Shard | None:
        shard = self._shards.get(evaluation_id)
        if shard is None and reference is not None:
            shard = self._shards[evaluation_id] = Shard(evaluation_id, {}, 0, None)
        return shard

    async def _detruire(self, evaluation_id: str, reference: str) -> None:
        shard = self._shards.pop(evaluation_id, None)
        if shard is not None:
            async with shard.ecriture():
                shard.detruit = True

    async def fermer(self) -> None:
        return None
