"""Response bodies: Content-Encoding decoded within a size limit, and the charset detected.

``BoundedDecoder`` inflates gzip/deflate bodies at most ``room + 1`` bytes at
a time, so a compression bomb stops at the fetch size limit instead of
filling memory first; ``detect_charset`` finds a body's text encoding.
"""

from __future__ import annotations

import codecs
import re
import zlib
from email.message import Message

import httpx

_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset=["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING_RE = re.compile(rb"""<\?xml[^>]*encoding=["']([A-Za-z0-9_.:-]+)["']""")


class UnsupportedEncoding(ValueError):
    """The server used a Content-Encoding that was not asked for."""


class BoundedDecoder:
    """Content-Encoding decoding that never produces more than it is asked for.

    httpx decodes a whole network chunk at once: 190 KB of brotli became
    700 MB before the size check could see it. Here each call returns at most
    ``room + 1`` bytes, so a compression bomb is caught at the size limit.
    """

    def __init__(self, inflater: zlib._Decompress | None, raw_fallback: bool = False) -> None:
        self._z = inflater
        self._raw_fallback = raw_fallback
        self._started = False

    @classmethod
    def for_encoding(cls, header: str, url: str) -> BoundedDecoder:
        encoding = header.strip().lower()
        if encoding in ("", "identity"):
            return cls(None)
        if encoding in ("gzip", "x-gzip"):
            return cls(zlib.decompressobj(16 + zlib.MAX_WBITS))
        if encoding == "deflate":
            return cls(zlib.decompressobj(), raw_fallback=True)
        raise UnsupportedEncoding(
            f"{url} sent its content encoded as '{encoding}', which Claimwatch did not ask for."
        )

    def decode(self, data: bytes, room: int, *, final: bool = False) -> bytes:
        if self._z is None:
            return data
        limit = max(room, 0) + 1
        try:
            out = self._z.decompress(data, limit) if data else b""
            if final and len(out) < limit:
                out += self._z.flush(limit - len(out))
        except zlib.error:
            if self._raw_fallback and not self._started:  # "deflate" sent without the zlib header
                self._z, self._raw_fallback = zlib.decompressobj(-zlib.MAX_WBITS), False
                return self.decode(data, room, final=final)
            raise httpx.DecodingError("the compressed content is corrupt") from None
        self._started = True
        return out


def _charset_from_type(header: str) -> str | None:
    msg = Message()
    msg["content-type"] = header
    charset = msg.get_param("charset")
    return charset.strip() if isinstance(charset, str) else None


def _known_codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def detect_charset(body: bytes, content_type_header: str) -> str:
    """The charset of a body: header, BOM, meta/XML declaration, UTF-8, then a guess."""
    declared = _known_codec(_charset_from_type(content_type_header))
    if declared:
        return declared
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if body.startswith(bom):
            return name
    head = body[:4096]
    for pattern in (_XML_ENCODING_RE, _META_CHARSET_RE):
        m = pattern.search(head)
        if m:
            found = _known_codec(m.group(1).decode("ascii", "ignore"))
            if found:
                return found
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(body[:200_000]).best()
    return _known_codec(best.encoding if best is not None else None) or "cp1252"
