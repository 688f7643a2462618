"""Publication dates from the many shapes feeds, pages and files give them in."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# ISO 8601 with reduced precision: "2024-12", "2024" (a time may follow, as some feeds add one)
_REDUCED = re.compile(r"(?P<y>\d{4})(?:-(?P<m>\d{2}))?(?:T(?P<h>\d{2}):(?P<mi>\d{2}))?")


def parse_datetime(value: str | None) -> datetime | None:
    """ISO 8601 (reduced precision too) or RFC 2822 to an aware UTC datetime; None when it
    cannot be read."""
    if not value or not str(value).strip():
        return None
    text = str(value).strip()
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            parsed = _reduced(text)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _reduced(text: str) -> datetime | None:
    """A reduced-precision ISO date ("2024-12", "2024") as the first moment it names."""
    m = _REDUCED.fullmatch(text)
    if m is None:
        return None
    try:
        return datetime(
            int(m["y"]), int(m["m"] or 1), 1, int(m["h"] or 0), int(m["mi"] or 0), tzinfo=UTC
        )
    except ValueError:
        return None
