"""The store in memory: for the flows' tests, with exactly the rules of the real one."""

from __future__ import annotations

from storage.base import SYSTEM, Clock, ShardedStore, utc_now
from storage.shard import Shard


class MemoryStore(ShardedStore):
    """Shards that live as long as the object; nothing is written anywhere."""

    def __init__(self, clock: Clock = utc_now) -> None:
        super().__init__(clock)
        self._system_shard = Shard(SYSTEM, {}, 0, None)
        self._shards: dict[str, Shard] = {}

    async def _system(self) -> Shard:
        return self._system_shard

    async def _open_shard(self, evaluation_id: str, reference: str | None) -> Shard | None:
        shard = self._shards.get(evaluation_id)
        if shard is None and reference is not None:
            shard = self._shards[evaluation_id] = Shard(evaluation_id, {}, 0, None)
        return shard

    async def _erase(self, evaluation_id: str, reference: str) -> None:
        shard = self._shards.pop(evaluation_id, None)
        if shard is not None:
            async with shard.writing():
                shard.erased = True

    async def fermer(self) -> None:
        return None
