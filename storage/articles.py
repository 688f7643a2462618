"""Articles and their revisions: storing, deduplicating, re-check scheduling."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from bot import domain
from storage.base import StoreBase
from storage.mapping import article_row
from storage.models import (
    Article,
    ArticleRevision,
    utcnow,
)


def content_hash(text: str) -> str:
    normalised = " ".join(text.split()).lower()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class StoredArticle:
    """Outcome of storing an article: ``new``, ``revision`` or ``duplicate``."""

    article_id: int
    status: str
    revision: int
    duplicate_of: int | None = None
    article: Article | None = None
    recovered: bool = False  # stored before without its claims (an interrupted ingest)


class ArticleStore(StoreBase):
    """Articles, revisions and their re-check schedule."""

    # -- articles -----------------------------------------------------------------

    def store_article(self, item: domain.Article) -> StoredArticle:
        """Insert, revise or recognise an article (by canonical URL, then content hash)."""
        with self.session() as s:
            return self._store_article(s, item)

    def _store_article(self, s: Session, item: domain.Article) -> StoredArticle:
        digest = content_hash(item.title + "\n" + item.text)
        existing = s.scalar(select(Article).where(Article.url == item.url))
        if existing is not None:
            if existing.content_hash == digest:
                return StoredArticle(existing.id, "duplicate", existing.revision, existing.id)
            existing.revision += 1
            existing.text = item.text
            existing.title = item.title or existing.title
            existing.content_hash = digest
            existing.fetched_at = utcnow()
            if item.published_at and not existing.published_at:
                existing.published_at = item.published_at
            s.add(
                ArticleRevision(
                    article_id=existing.id,
                    revision=existing.revision,
                    title=existing.title,
                    text=item.text,
                    content_hash=digest,
                )
            )
            s.flush()
            return StoredArticle(existing.id, "revision", existing.revision, article=existing)
        same = s.scalar(select(Article.id).where(Article.content_hash == digest).limit(1))
        if same is not None:
            return StoredArticle(same, "duplicate", 1, same)
        article = article_row(item, digest)
        s.add(article)
        s.flush()
        s.add(
            ArticleRevision(
                article_id=article.id,
                revision=1,
                title=item.title,
                text=item.text,
                content_hash=digest,
            )
        )
        s.flush()
        return StoredArticle(article.id, "new", 1, article=article)

    def get_article(self, article_id: int) -> Article | None:
        with self.session() as s:
            return s.get(Article, article_id)

    def article_by_url(self, url: str) -> Article | None:
        with self.session() as s:
            return s.scalar(select(Article).where(Article.url == url))

    def article_revisions(self, article_id: int) -> list[ArticleRevision]:
        with self.session() as s:
            return list(
                s.scalars(
                    select(ArticleRevision)
                    .where(ArticleRevision.article_id == article_id)
                    .order_by(ArticleRevision.revision)
                )
            )

    def count_articles(self) -> int:
        with self.session() as s:
            return s.scalar(select(func.count(Article.id))) or 0

    def schedule_article_check(self, article_id: int, at: datetime | None) -> None:
        with self.session() as s:
            s.execute(
                update(Article)
                .where(Article.id == article_id)
                .values(next_check_at=at, check_lease_until=None)
            )

    def lease_due_articles(self, now: datetime, limit: int, lease: timedelta) -> list[Article]:
        """Articles whose re-check is due, leased so another process skips them."""
        with self.session() as s:
            stmt = (
                select(Article)
                .where(
                    Article.next_check_at.is_not(None),
                    Article.next_check_at <= now,
                    or_(Article.check_lease_until.is_(None), Article.check_lease_until <= now),
                )
                .order_by(Article.next_check_at)
                .limit(limit)
            )
            return self._take(s, stmt, check_lease_until=now + lease)

    def known_article_urls(self, urls: Iterable[str]) -> set[str]:
        """Which of these URLs are stored articles already."""
        wanted = list(dict.fromkeys(urls))
        found: set[str] = set()
        with self.session() as s:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                found.update(s.scalars(select(Article.url).where(Article.url.in_(chunk))))
        return found

    def start_article_checks(self, url: str, at: datetime) -> bool:
        """Schedule the first re-check of the article at ``url`` unless one is scheduled."""
        with self.session() as s:
            res = s.execute(
                update(Article)
                .where(Article.url == url, Article.next_check_at.is_(None))
                .values(next_check_at=at)
            )
            return bool(res.rowcount)

    def article_first_fetched(self, article_id: int) -> datetime | None:
        """When the article's first revision was fetched."""
        with self.session() as s:
            return s.scalar(
                select(func.min(ArticleRevision.fetched_at)).where(
                    ArticleRevision.article_id == article_id
                )
            )
