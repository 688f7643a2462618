"""Atomic ingest: an article and everything derived from it commit in one transaction.

The pipeline first asks what storing an article would do (``plan_article``: a
new article, a new revision, an article stored before without its claims, or a
duplicate), analyses it from that plan while holding nothing, then commits the
article with its claims, events, outbox rows and current-state rows in one
transaction (``commit_article``). If the article changed in between (another
process stored or processed it), the transaction is rolled back with
``ArticleChanged`` and the pipeline plans again. An article whose stored
revision was never processed (``processed_revision`` behind ``revision``: an
ingest interrupted under an older version) is found by ``unprocessed_articles``
and on re-ingest, and processed again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot import domain
from storage.articles import ArticleStore, StoredArticle, content_hash
from storage.claims import ClaimStore, Recorded
from storage.mapping import article_row
from storage.models import Article, utcnow
from storage.state import Agreement

NEW_ARTICLE_ID = 0  # stands for the id a new article gets when it is committed


def _on_article(claim: domain.Claim, event: domain.ClaimEvent | None, article_id: int) -> Recorded:
    """A claim of a new article, and its event, on the article's id once it has one."""
    claim = replace(claim, article_id=article_id)
    return claim, None if event is None else replace(event, claim=claim)


class ArticleChanged(Exception):
    """The article was stored, revised or processed by someone else since the plan."""


@dataclass(frozen=True)
class ArticlePlan:
    """What storing an article would do, and the article to analyse (detached: for a new
    article its id is ``NEW_ARTICLE_ID`` until it is committed)."""

    status: str  # new | revision | unprocessed | duplicate
    article: Article | None
    duplicate_of: int | None = None

    @property
    def stored(self) -> StoredArticle:
        """The outcome to report for a plan that stores nothing (a duplicate)."""
        assert self.duplicate_of is not None
        return StoredArticle(self.duplicate_of, "duplicate", 1, self.duplicate_of)


class IngestStore(ArticleStore, ClaimStore):
    """Plans and atomic commits of ingested articles."""

    def plan_article(self, item: domain.Article) -> ArticlePlan:
        """What ``store_article(item)`` would do, from a read only."""
        digest = content_hash(item.title + "\n" + item.text)
        with self.session() as s:
            existing = s.scalar(select(Article).where(Article.url == item.url))
            if existing is not None:
                if existing.content_hash == digest:
                    if existing.processed_revision >= existing.revision:
                        return ArticlePlan("duplicate", None, existing.id)
                    return ArticlePlan("unprocessed", existing)
                revised = Article(
                    id=existing.id,
                    url=existing.url,
                    title=item.title or existing.title,
                    outlet=existing.outlet,
                    author=existing.author,
                    published_at=existing.published_at or item.published_at,
                    fetched_at=utcnow(),
                    language=existing.language,
                    text=item.text,
                    content_hash=digest,
                    revision=existing.revision + 1,
                    origin=existing.origin,
                    feed_id=existing.feed_id,
                )
                return ArticlePlan("revision", revised)
            same = s.scalar(select(Article.id).where(Article.content_hash == digest).limit(1))
            if same is not None:
                return ArticlePlan("duplicate", None, same)
        return ArticlePlan(
            "new",
            article_row(item, digest, id=NEW_ARTICLE_ID, fetched_at=utcnow(), revision=1),
        )

    def commit_article(
        self,
        item: domain.Article | None,
        plan: ArticlePlan,
        records: Sequence[Recorded],
        *,
        agrees: Agreement,
    ) -> tuple[StoredArticle, list[tuple[int, int | None, int]]]:
        """Store the article as planned (``item``: None for one stored already) with its
        claims, events and outbox rows, all in one transaction; raises ``ArticleChanged``
        (nothing stored) when the article is no longer as planned."""
        assert plan.article is not None
        try:
            return self._commit_article(item, plan, records, agrees)
        except IntegrityError as exc:  # another process inserted the same URL meanwhile
            raise ArticleChanged(plan.article.url) from exc

    def _commit_article(
        self,
        item: domain.Article | None,
        plan: ArticlePlan,
        records: Sequence[Recorded],
        agrees: Agreement,
    ) -> tuple[StoredArticle, list[tuple[int, int | None, int]]]:
        assert plan.article is not None
        with self.session() as s:
            if plan.status == "unprocessed" or item is None:
                article_id, revision = plan.article.id, plan.article.revision
                stored = StoredArticle(article_id, "new", revision, recovered=True)
            else:
                stored = self._store_article(s, item)
                article_id, revision = stored.article_id, stored.revision
                if stored.status != plan.status or revision != plan.article.revision:
                    raise ArticleChanged(item.url)
                if plan.status == "revision" and article_id != plan.article.id:
                    raise ArticleChanged(item.url)
            if not self._mark_processed(s, article_id, revision):
                raise ArticleChanged(plan.article.url)
            if plan.status == "new":
                records = [_on_article(claim, event, article_id) for claim, event in records]
            return stored, self._record_claims(s, records, agrees)

    def unprocessed_articles(self, limit: int = 1000) -> list[Article]:
        """Articles whose latest revision was stored without its claims (an ingest
        interrupted under an older version), oldest first."""
        with self.session() as s:
            return list(
                s.scalars(
                    select(Article)
                    .where(Article.processed_revision < Article.revision)
                    .order_by(Article.id)
                    .limit(limit)
                )
            )
