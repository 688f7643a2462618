"""The gate every article from outside passes: a web URL, bounded text, no control characters.

Files, pages, feeds and ``/submit`` all build an ``Article``; before it goes
to the pipeline, ``admit_article``

* checks the URL: ``http``/``https`` only (plus the ``file:`` and
  ``submitted:`` addresses Claimwatch itself gives local files and pasted
  text), no user name or password in it, no spaces or control characters;
* refuses text longer than ``CLAIMWATCH_ARTICLE_MAX_CHARS`` (the claim engine's
  work grows with the text; no news article comes near the default);
* strips control characters (ANSI escapes, NUL, bidi overrides …) from the
  text, title, outlet and author.

Problems are ``ArticleRefused`` whose ``str()`` says what is wrong.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

from bot.domain import Article
from bot.sanitize import first_control, strip_controls

WEB_SCHEMES = ("http", "https")
LOCAL_SCHEMES = ("file", "submitted")
DEFAULT_MAX_CHARS = 200_000


class ArticleRefused(ValueError):
    """An article that is not taken in; ``str()`` is the reason, for people."""


def check_web_url(url: str, what: str = "the URL", schemes: tuple[str, ...] = WEB_SCHEMES) -> str:
    """``url`` when it is an absolute http(s) URL without credentials; else ``ArticleRefused``."""
    if not url or any(ch.isspace() for ch in url) or first_control(url) is not None:
        raise ArticleRefused(f"{what} is empty or holds spaces or control characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ArticleRefused(f"{what} is not a valid address") from None
    scheme = parts.scheme.lower()
    if scheme not in schemes:
        shown = f"'{scheme}:'" if scheme else "no scheme"
        raise ArticleRefused(f"{what} must be an http:// or https:// address (it has {shown})")
    if scheme in WEB_SCHEMES and not parts.hostname:
        raise ArticleRefused(f"{what} has no host name")
    if parts.username or parts.password:
        raise ArticleRefused(f"{what} must not carry a user name or password")
    return url


def admit_article(
    item: Article, *, max_chars: int = DEFAULT_MAX_CHARS, local: bool = False
) -> Article:
    """``item`` cleaned of control characters, or ``ArticleRefused`` saying why not.

    ``local`` also accepts the ``file:``/``submitted:`` URLs Claimwatch builds itself.
    """
    schemes = WEB_SCHEMES + LOCAL_SCHEMES if local else WEB_SCHEMES
    check_web_url(item.url, "the article URL", schemes)
    if len(item.text) > max_chars:
        raise ArticleRefused(
            f"the text is {len(item.text):,} characters, over the {max_chars:,}-character "
            "limit for one article (CLAIMWATCH_ARTICLE_MAX_CHARS)"
        )
    text = strip_controls(item.text).strip()
    if not text.strip():
        raise ArticleRefused("the article has no text")
    return replace(
        item,
        text=text,
        title=strip_controls(item.title, keep_newlines=False),
        outlet=strip_controls(item.outlet, keep_newlines=False),
        author=strip_controls(item.author, keep_newlines=False) if item.author else item.author,
    )
