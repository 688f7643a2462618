"""Everyone's read-only commands: ``/claims``, ``/sources``, ``/timeline``, autocomplete."""

from __future__ import annotations

from bot.charts import Point, render_timeline
from bot.commands.base import (
    CommandBase,
    fmt_date,
    next_page,
    page_index,
    page_note,
    parse_since,
)
from bot.domain import ClaimValue
from bot.messages import Attachment, CommandRequest, Field, Reply

KEYS_PER_PAGE = 20
SOURCES_PER_PAGE = 20


class QueryCommands(CommandBase):
    """What the store knows of a topic: claims by key and source, sources, a chart."""

    def topic_choices(self, req: CommandRequest, prefix: str = "") -> list[tuple[str, str]]:
        """(label, value) pairs of topics whose name or slug starts with ``prefix``."""
        p = prefix.lower().strip()
        return [
            (t.name, t.slug)
            for t in self.repo.list_topics(req.platform, req.workspace_id)
            if not p or t.slug.startswith(p) or p in t.name.lower()
        ][:25]

    def key_choices(
        self, req: CommandRequest, topic: str, prefix: str = ""
    ) -> list[tuple[str, str]]:
        found = self.repo.find_topic(req.platform, req.workspace_id, topic) if topic else None
        if found is None:
            return []
        p = prefix.lower().strip()
        return [
            (label, key)
            for key, label in self.repo.keys(found.id)
            if not p or p in label.lower() or p in key.lower()
        ][:25]

    # -- everyone -----------------------------------------------------------------

    async def claims(
        self,
        req: CommandRequest,
        topic: str,
        key: str | None = None,
        since: str | None = None,
        page: int = 1,
    ) -> Reply:
        t = await self._call(self._topic, req, topic)
        k = await self._call(self._resolve_key, t, key)
        since_dt = parse_since(since) if since else None
        shown = await self._call(
            self.repo.claim_lines, t.id, k, since_dt, page_index(page), KEYS_PER_PAGE
        )
        if not shown.items:
            when = f" since {fmt_date(since_dt)}" if since_dt else ""
            if shown.total:
                return Reply.fail(f"{t.name} has {shown.pages} page(s) of claims{when}.")
            return Reply(text=f"No claims on {t.name}{when} yet.", title=f"Claims · {t.name}")
        fields: list[Field] = []
        for ks in shown.items:
            lines = []
            for ln in ks.lines:
                was = f" (was {ln.previous_value})" if ln.previous_value else ""
                rep = f" · repeated by {ln.repeats}" if ln.repeats else ""
                lines.append(
                    f"• {ln.source}: **{ln.value_text}**{was} — since {fmt_date(ln.since)}"
                    f" ({ln.outlet}){rep}"
                )
            fields.append(Field(name=ks.key_label, value="\n".join(lines)[:1000]))
        args = [t.slug] + ([k] if k else []) + ([since] if since else [])
        return Reply(
            title=f"Claims · {t.name}",
            text="Latest claim per key and source." + page_note(shown, "keys"),
            fields=fields,
            more=next_page("claims", args, shown),
        )

    async def sources(self, req: CommandRequest, topic: str, page: int = 1) -> Reply:
        t = await self._call(self._topic, req, topic)
        shown = await self._call(self.repo.source_rows, t.id, page_index(page), SOURCES_PER_PAGE)
        if not shown.items:
            if shown.total:
                return Reply.fail(f"{t.name} has {shown.pages} page(s) of sources.")
            return Reply(text=f"No sources on {t.name} yet.", title=f"Sources · {t.name}")
        rows = [
            (
                s.source,
                "; ".join(f"{label}: {value}" for label, value in s.latest)[:120],
                str(s.statements),
                str(len(s.outlets)),
                fmt_date(s.last),
            )
            for s in shown.items
        ]
        return Reply(
            title=f"Sources · {t.name}",
            text=f"{shown.total} sources." + page_note(shown, "sources"),
            table_headers=("Source", "Latest", "Statements", "Outlets", "Last heard"),
            table_rows=rows,
            more=next_page("sources", [t.slug], shown),
        )

    async def timeline(self, req: CommandRequest, topic: str, key: str | None = None) -> Reply:
        t = await self._call(self._topic, req, topic)
        k = await self._call(self._resolve_key, t, key)
        if k is None:
            k = await self._call(self.repo.chart_key, t.id)
        if k is None:
            return Reply.fail(f"No figures on {t.name} to chart yet.")
        label, series, statements = await self._call(self.repo.figure_series, t.id, k)
        if not series:
            return Reply.fail(f"No figures on {t.name} to chart yet.")
        points = [Point(p.source, p.at, ClaimValue.from_json(p.value)) for p in series]
        png = await self._call(render_timeline, f"{t.name} · {label}", points)
        sources = sorted({p.source for p in series})
        return Reply(
            title=f"Timeline · {label}",
            text=f"{statements} statements from {len(sources)} sources: " + ", ".join(sources),
            attachment=Attachment(filename=f"timeline-{t.slug}.png", data=png),
        )
