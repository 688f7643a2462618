"""The core's vocabulary, one name each: the kinds of claim event and those that alert, and
the article as it enters the pipeline.

They are defined in ``storage`` (the lowest layer, which needs them too) and named here for
the core, the adapters and evaluation, so that nothing above the core imports ``storage``.
"""

from __future__ import annotations

from storage.articles import ArticleIn
from storage.kinds import ALERT_KINDS, EventKind

__all__ = ["ALERT_KINDS", "ArticleIn", "EventKind"]
