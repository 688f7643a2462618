"""``/claimwatch alias add``: another name of a source, on one topic or every topic here."""

from __future__ import annotations

import asyncio

from bot.commands.base import CommandBase, UserError
from bot.messages import CommandRequest, Reply
from bot.pipeline import ALIAS_NAMESPACE


class AliasCommands(CommandBase):
    """Source aliases, read by the pipeline for new articles."""

    async def alias_add(
        self, req: CommandRequest, source: str, alias: str, topic: str | None = None
    ) -> Reply:
        self._require_admin(req)
        source, alias = (source or "").strip(), (alias or "").strip()
        if not source or not alias:
            raise UserError("Usage: /claimwatch alias add SOURCE ALIAS [TOPIC]")
        if topic:
            t = await asyncio.to_thread(self._topic, req, topic)
            await asyncio.to_thread(self.repo.add_alias, t.id, alias, source, req.user_id)
            scope = f"on {t.name}"
        else:
            name = f"{req.platform}:{req.workspace_id}"
            current = await asyncio.to_thread(self.repo.kv_get, ALIAS_NAMESPACE, name) or {}
            current[alias.lower()] = source
            await asyncio.to_thread(self.repo.kv_put, ALIAS_NAMESPACE, name, current)
            scope = "on every topic here"
        await self._audit(
            req,
            "alias.add",
            source=source,
            alias=alias,
            topic=topic,
        )
        self.pipeline.invalidate()
        return Reply(text=f"'{alias}' now reads as **{source}** {scope} (for new articles).")
