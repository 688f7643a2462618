"""``/submit``: an article by hand, as a link fetched like a feed item or as pasted text."""

from __future__ import annotations

import asyncio
import hashlib
import re
from datetime import UTC, datetime

from bot.commands.base import CommandBase, UserError
from bot.domain import Article
from bot.ingest.admit import ArticleRefused, admit_article
from bot.messages import CommandRequest, Field, Reply
from bot.pipeline import IngestOutcome
from bot.sanitize import strip_controls


class SubmitCommands(CommandBase):
    """Manual ingest through the same pipeline as feeds."""

    async def submit(self, req: CommandRequest, content: str) -> Reply:
        content = strip_controls(content or "").strip()
        if not content:
            raise UserError("Give a URL or paste the article text: /submit URL|TEXT")
        if re.match(r"^https?://\S+$", content):
            item = await self._fetch(content)
        elif re.match(r"^[a-z][a-z0-9+.-]*://", content, re.IGNORECASE) and " " not in content:
            raise UserError("Only http:// and https:// links can be submitted.")
        else:
            if len(content.split()) < 8:
                raise UserError("That text is too short to hold a claim; paste the whole article.")
            digest = hashlib.sha256(content.encode()).hexdigest()[:16]
            title, _, body = content.partition("\n")
            item = Article(
                url=f"submitted://{req.platform}/{req.workspace_id}/{digest}",
                title=title.strip()[:200] if body.strip() else "",
                text=body.strip() if body.strip() else content,
                outlet=f"submitted by {req.user_name or req.user_id}",
                published_at=datetime.now(UTC),
                origin="chat",
            )
            try:
                item = admit_article(item, max_chars=self.settings.article_max_chars, local=True)
            except ArticleRefused as exc:
                raise UserError(f"That text was not taken: {exc}.") from None
        outcome = await self.pipeline.ingest(item)
        if item.origin != "chat" and self.revisions is not None:
            await asyncio.to_thread(self.revisions.track, item)
        return self._ingest_reply(outcome, item)

    async def _fetch(self, url: str) -> Article:
        if self.fetcher is None:
            raise UserError("Fetching links is not available in this deployment.")
        from bot.ingest.fetch import FetchError
        from bot.ingest.pages import fetch_article

        try:
            return await fetch_article(url, self.fetcher, user_submitted=True)
        except FetchError as exc:
            raise UserError(str(exc)) from None

    def _ingest_reply(self, outcome: IngestOutcome, item: Article) -> Reply:
        status = outcome.stored.status
        if status == "duplicate":
            return Reply(
                text="Already known: that article is stored, nothing new in it.", ephemeral=True
            )
        what = "new revision of a known article" if status == "revision" else "new article"
        alerts = outcome.alerts
        repeats = [e for e in outcome.events if e.kind == "repeat"]
        fields = [
            Field(
                name=f"{e.kind.replace('_', ' ')} · {e.key_label}",
                value=f"{e.source}: {e.value}"
                + (f" (was {e.previous_value})" if e.previous_value else ""),
            )
            for e in alerts[:10]
        ]
        topics = sorted({e.topic_name for e in outcome.events})
        text = (
            f"Stored as a {what}"
            + (f" from {item.outlet}" if item.outlet else "")
            + f". {len(alerts)} alert(s), {len(repeats)} repeat(s)"
            + (f" on {', '.join(topics)}." if topics else "; it matched no topic's claims.")
        )
        return Reply(title="Submitted", text=text, fields=fields, ephemeral=True)
