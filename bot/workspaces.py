"""Workspace lifecycle, platform-free: a guild/team joined or left, a channel gone.

Adapters report what their platform tells them; this module records it so
that the dispatcher stops sending where it cannot, and ``/claimwatch status``
shows why.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from storage.repository import Repository

log = logging.getLogger(__name__)


@dataclass
class Workspaces:
    repo: Repository

    async def joined(self, platform: str, workspace_id: str, name: str = "") -> None:
        await asyncio.to_thread(self.repo.ensure_workspace, platform, workspace_id, name)
        log.info("joined %s workspace %s (%s)", platform, workspace_id, name)

    async def left(self, platform: str, workspace_id: str) -> int:
        paused = await asyncio.to_thread(
            self.repo.deactivate_workspace, platform, workspace_id, "the bot left this workspace"
        )
        log.info("left %s workspace %s; %d subscription(s) paused", platform, workspace_id, paused)
        return paused

    async def channel_gone(self, platform: str, channel_id: str, reason: str) -> int:
        paused = await asyncio.to_thread(self.repo.pause_channel, platform, channel_id, reason)
        log.warning(
            "%s channel %s: %s; %d subscription(s) paused", platform, channel_id, reason, paused
        )
        return paused
