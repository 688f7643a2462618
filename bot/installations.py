"""Opaque per-platform records (app installations, OAuth states) kept in the store.

An adapter that installs into many workspaces (Slack OAuth) keeps its
installation data here: named JSON records in one namespace of the store's
key-value table. The core never reads them; the adapter never touches SQL.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Protocol


class KeyValueStore(Protocol):
    """The store's key-value table, all that installation records need of it."""

    def kv_get(self, namespace: str, name: str) -> Any: ...

    def kv_put(self, namespace: str, name: str, value: Any) -> None: ...

    def kv_delete(self, namespace: str, name_prefix: str) -> int: ...


@dataclass
class Records:
    """Named JSON records in one key-value namespace (e.g. ``slack-installation``)."""

    repo: KeyValueStore
    namespace: str

    async def get(self, name: str) -> dict[str, Any] | None:
        return await asyncio.to_thread(self.repo.kv_get, self.namespace, name)

    async def put(self, name: str, value: dict[str, Any]) -> None:
        await asyncio.to_thread(self.repo.kv_put, self.namespace, name, value)

    async def delete(self, name_prefix: str) -> int:
        """Delete every record whose name starts with ``name_prefix`` ("" deletes all)."""
        return await asyncio.to_thread(self.repo.kv_delete, self.namespace, name_prefix)
