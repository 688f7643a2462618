"""Rows to and from the domain types (``bot.domain``), in this one module.

Every store that hands a claim, an event, an alert or a topic to the core builds it
here, and every insert of a claim or an event takes its values from here; nothing else
in ``storage`` copies a domain type's fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot import domain
from storage import models

CLAIM_FIELDS = (
    "topic_id",
    "article_id",
    "revision",
    "key",
    "key_label",
    "source",
    "source_detail",
    "value",
    "value_text",
    "evidence",
    "evidence_start",
    "evidence_end",
    "asserted_at",
    "background",
    "outlet",
    "extractor",
    "id",
)
CLAIM_COLUMNS = tuple(getattr(models.Claim, name) for name in CLAIM_FIELDS)
"""The columns of a claim, in the order ``claim_from_columns`` reads them."""


def article_row(item: domain.Article, digest: str, **columns: Any) -> models.Article:
    """A new article row for ``item`` (its content hash ``digest``; ``columns`` adds or
    overrides the row's own columns, e.g. ``id`` or ``fetched_at``)."""
    return models.Article(
        url=item.url,
        title=item.title,
        outlet=item.outlet,
        author=item.author,
        published_at=item.published_at,
        language=item.language,
        text=item.text,
        content_hash=digest,
        origin=item.origin,
        feed_id=item.feed_id,
        **columns,
    )


def claim_row(claim: domain.Claim) -> dict[str, Any]:
    """The insert values of a claim (without its id, which the database gives)."""
    return {name: getattr(claim, name) for name in CLAIM_FIELDS if name != "id"}


def claim_from_columns(row: Sequence[Any]) -> domain.Claim:
    """A claim from a select of ``CLAIM_COLUMNS``."""
    return domain.Claim(**dict(zip(CLAIM_FIELDS, row, strict=True)))


def claim_from_row(row: models.Claim) -> domain.Claim:
    return domain.Claim(**{name: getattr(row, name) for name in CLAIM_FIELDS})


def event_row(event: domain.ClaimEvent, claim_id: int) -> dict[str, Any]:
    """The insert values of an event on the stored claim ``claim_id``."""
    return {
        "topic_id": event.topic_id,
        "claim_id": claim_id,
        "article_id": event.article_id,
        "kind": str(event.kind),
        "key": event.key,
        "key_label": event.key_label,
        "source": event.source,
        "value_text": event.value,
        "previous_value_text": event.previous_value,
        "conflicts_with": list(event.conflicts_with),
        "note": event.note,
    }


def event_from_rows(
    event: models.ClaimEvent, claim: models.Claim, article: models.Article, topic_name: str
) -> domain.ClaimEvent:
    """A stored event with its claim (the event's own key, source and value as stored, the
    outlet of the article when the claim names none)."""
    stored = claim_from_row(claim)
    return domain.ClaimEvent(
        kind=event.kind,
        claim=domain.Claim(
            **{
                **claim_row(stored),
                "key": event.key,
                "key_label": event.key_label,
                "source": event.source,
                "value_text": event.value_text,
                "outlet": claim.outlet or article.outlet,
            },
            id=claim.id,
        ),
        previous_value=event.previous_value_text,
        conflicts_with=tuple(event.conflicts_with or []),
        note=event.note,
        id=event.id,
        topic_name=topic_name,
        article_url=article.url,
    )


def alert_from_rows(
    alert: models.Alert,
    event: models.ClaimEvent,
    claim: models.Claim,
    article: models.Article,
    sub: models.Subscription,
    topic: models.Topic,
    corroboration: int,
    token: str | None = None,
) -> domain.Alert:
    """An outbox row with everything needed to render it."""
    return domain.Alert(
        alert_id=alert.id,
        event=event_from_rows(event, claim, article, topic.name),
        platform=sub.platform,
        workspace_id=sub.workspace_id,
        channel_id=sub.channel_id,
        topic_slug=topic.slug,
        url=article.url,
        corroboration=corroboration,
        title=article.title,
        published_at=article.published_at,
        subscription_id=sub.id,
        attempts=alert.attempts,
        lease_token=token,
    )


def topic_from_row(row: models.Topic) -> domain.Topic:
    return domain.Topic(
        id=row.id,
        platform=row.platform,
        workspace_id=row.workspace_id,
        name=row.name,
        slug=row.slug,
        query=row.query,
        alert_mode=row.alert_mode,
        created_by=row.created_by,
        active=row.active,
    )
