"""Safe HTTP fetching: every address checked before connecting, limits on everything.

``SafeFetcher`` is the only way Claimwatch reads the web. For each request,
and again for each redirect hop, it

* accepts only ``http``/``https`` URLs without credentials in them;
* resolves the host itself and refuses loopback, private, link-local,
  multicast, reserved, unspecified and otherwise non-global addresses
  (IPv4-mapped, 6to4 and Teredo IPv6 forms included), unless the host (or the
  address) is in ``fetch_allow_hosts``;
* connects to exactly the addresses it checked: a pinning network backend
  under httpx looks the host up in the fetcher's table of checked addresses and
  refuses to connect anywhere else, so a DNS answer that changes between the
  check and the connection (rebinding) is never followed. Host header and TLS
  SNI/certificate checks still use the name, and pooled connections stay keyed
  by the name;
* follows at most ``fetch_max_redirects`` redirects itself;
* checks the content type against an allow-list before reading the body and
  stops reading past ``fetch_max_bytes`` (decoded bytes, so a gzip bomb stops
  too);
* bounds connect and read time by ``fetch_timeout_s`` and the whole fetch,
  redirects included, by three times that.

Problems become ``FetchError``, whose ``str()`` is a sentence a user can read.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from bot.config import Settings
from bot.ingest.decoding import BoundedDecoder, UnsupportedEncoding, detect_charset
from bot.ingest.robots import RobotsCache, RobotsFile
from bot.ingest.transport import (
    AddressBook,
    IPAddress,
    IPNetwork,
    PinnedBackend,
    PinnedTransport,
    parse_ip,
    refused_reason,
)

log = logging.getLogger(__name__)

__all__ = [
    "ACCEPT_FEED",
    "ACCEPT_HTML",
    "ACCEPT_TEXT",
    "AddressBook",
    "FetchError",
    "FetchResult",
    "PinnedBackend",
    "SafeFetcher",
    "detect_charset",
    "refused_reason",
]


HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
)
TEXT_TYPES = ("text/plain",)
ALLOWED_CONTENT_TYPES = frozenset(HTML_TYPES + FEED_TYPES + TEXT_TYPES)

ACCEPT_HTML = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.5"
ACCEPT_FEED = (
    "application/rss+xml,application/atom+xml,application/rdf+xml;q=0.9,"
    "application/xml;q=0.8,text/xml;q=0.8"
)
ACCEPT_TEXT = "text/plain"

# decoded by ``BoundedDecoder`` so a compression bomb stops at the size limit
ACCEPT_ENCODING = "gzip, deflate"
ADDRESS_CHECK_TIMEOUT_S = 5.0
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class FetchError(Exception):
    """A fetch that did not happen or did not succeed; ``str()`` is for users.

    ``reason`` is a short machine word (``scheme``, ``private_address``,
    ``dns``, ``connect``, ``timeout``, ``too_large``, ``content_type``,
    ``redirects``, ``http_status``, ``robots``, ``no_text``, ``protocol``);
    ``status`` is the HTTP status when there was one.
    """

    def __init__(
        self, message: str, *, url: str = "", reason: str = "error", status: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.url = url
        self.reason = reason
        self.status = status

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class FetchResult:
    """A completed GET: the final URL after redirects, and the body as read."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes
    content_type: str
    encoding: str
    not_modified: bool = False
    redirects: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The body decoded with the detected charset (undecodable bytes replaced)."""
        return self.body.decode(self.encoding, errors="replace")

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


def _mb(n: int) -> str:
    value = n / (1024 * 1024)
    return f"{value:g} MB" if value >= 1 else f"{n // 1024} KB"


@dataclass(frozen=True)
class _Hop:
    url: str
    host: str
    port: int


class SafeFetcher:
    """One shared ``httpx.AsyncClient`` with address checks, pinning and limits."""

    def __init__(
        self,
        settings: Settings,
        *,
        max_connections: int = 100,
        http2: bool = True,
    ) -> None:
        self.settings = settings
        self.max_bytes = settings.fetch_max_bytes
        self.max_redirects = settings.fetch_max_redirects
        self.timeout_s = settings.fetch_timeout_s
        self.user_agent = settings.http_user_agent
        self._allow_names: set[str] = set()
        self._allow_nets: list[IPNetwork] = []
        for entry in settings.fetch_allow_hosts:
            entry = entry.strip().lower()
            if not entry:
                continue
            try:
                self._allow_nets.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                self._allow_names.add(entry)
        self.addresses = AddressBook()
        self.backend = PinnedBackend(self.addresses)
        limits = httpx.Limits(
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            keepalive_expiry=30.0,
        )
        self._client = httpx.AsyncClient(
            transport=PinnedTransport(self.backend, http2=http2, limits=limits),
            timeout=httpx.Timeout(self.timeout_s),
            follow_redirects=False,
            headers={"User-Agent": self.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            trust_env=False,
        )
        self._robots: RobotsCache | None = None

    @property
    def robots(self) -> RobotsCache:
        """This fetcher's robots.txt cache (one per fetcher, keyed by origin)."""
        if self._robots is None:
            self._robots = RobotsCache(self._fetch_robots, self.user_agent)
        return self._robots

    async def _fetch_robots(self, url: str) -> RobotsFile:
        """A robots.txt through the same checks as any fetch (RFC 9309 on what errors mean)."""
        try:
            result = await self.fetch(
                url, user_submitted=False, accept=ACCEPT_TEXT, allowed_types=("text/plain",)
            )
        except FetchError as exc:
            if exc.reason in ("private_address", "scheme", "dns"):
                raise
            if exc.status is not None and 400 <= exc.status < 500:
                return RobotsFile(missing=True)
            if exc.reason in ("content_type", "too_large"):
                return RobotsFile(missing=True)
            return RobotsFile()
        return RobotsFile(result.text)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> SafeFetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- address checks -----------------------------------------------------------------

    def _address_allowed(self, ip: IPAddress) -> bool:
        return any(ip in net for net in self._allow_nets)

    def _host_allowed(self, host: str) -> bool:
        if host.lower() in self._allow_names:
            return True
        ip = parse_ip(host)
        return ip is not None and self._address_allowed(ip)

    async def resolve(self, host: str, port: int) -> list[str]:
        """Every address ``host`` resolves to (IP literals are returned as they are)."""
        literal = parse_ip(host)
        if literal is not None:
            return [str(literal)]
        loop = asyncio.get_running_loop()
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        seen: list[str] = []
        for _family, _type, _proto, _canon, sockaddr in infos:
            addr = str(sockaddr[0]).split("%", 1)[0]
            if addr not in seen:
                seen.append(addr)
        return seen

    def _check_url(self, url: str) -> _Hop:
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            raise FetchError(
                f"That is not a web address Claimwatch can read: {url}", url=url, reason="scheme"
            ) from None
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise FetchError(
                "Only http:// and https:// addresses can be fetched.", url=url, reason="scheme"
            )
        host = (parts.hostname or "").lower()
        if not host:
            raise FetchError(f"That address has no host name: {url}", url=url, reason="scheme")
        if parts.username or parts.password:
            raise FetchError(
                "Addresses with a user name or password in them are not fetched.",
                url=url,
                reason="scheme",
            )
        return _Hop(url=url, host=host, port=port or (443 if scheme == "https" else 80))

    async def _check_host(self, hop: _Hop) -> None:
        if hop.host in self._allow_names:
            self.addresses.open_host(hop.host)
            return
        try:
            addresses = await self.resolve(hop.host, hop.port)
        except (OSError, UnicodeError) as exc:
            raise FetchError(
                f"The host name {hop.host} could not be found.", url=hop.url, reason="dns"
            ) from exc
        if not addresses:
            raise FetchError(
                f"The host name {hop.host} could not be found.", url=hop.url, reason="dns"
            )
        for addr in addresses:
            ip = ipaddress.ip_address(addr)
            if self._address_allowed(ip):
                continue
            why = refused_reason(ip)
            if why is not None:
                log.warning("refused %s: %s resolves to %s address %s", hop.url, hop.host, why, ip)
                raise FetchError(
                    f"That address points into a private network ({hop.host} is a {why} "
                    "address), so Claimwatch will not fetch it.",
                    url=hop.url,
                    reason="private_address",
                )
        self.addresses.pin(hop.host, addresses)

    async def check_address(self, url: str) -> None:
        """Refuse ``url`` now, as a fetch would: scheme, credentials, private addresses.

        Used when a feed is added, so a bad address is refused at once rather
        than at every poll; ``fetch_allow_hosts`` applies the same way. A host
        name that does not resolve now (or not within a few seconds) is let
        through: that may pass, and every poll checks again.
        """
        hop = self._check_url(url)
        try:
            async with asyncio.timeout(ADDRESS_CHECK_TIMEOUT_S):
                await self._check_host(hop)
        except TimeoutError:
            log.info("could not resolve %s in time; its address is checked at each poll", hop.host)
        except FetchError as exc:
            if exc.reason != "dns":
                raise

    # -- fetching ---------------------------------------------------------------------------

    async def fetch(
        self,
        url: str,
        *,
        user_submitted: bool,
        accept: str = ACCEPT_HTML,
        etag: str | None = None,
        last_modified: str | None = None,
        allowed_types: Iterable[str] = ALLOWED_CONTENT_TYPES,
    ) -> FetchResult:
        """GET ``url`` safely; a 304 (with ``etag``/``last_modified`` sent) is ``not_modified``.

        ``user_submitted`` marks URLs a person typed: every check applies to every
        fetch, but refusals of submitted URLs are logged as such.
        """
        deadline = self.timeout_s * 3
        try:
            async with asyncio.timeout(deadline):
                return await self._fetch(
                    url,
                    accept=accept,
                    etag=etag,
                    last_modified=last_modified,
                    allowed=frozenset(t.lower() for t in allowed_types),
                )
        except TimeoutError:
            raise FetchError(
                f"{url} took longer than {deadline:g} seconds to answer.", url=url, reason="timeout"
            ) from None
        except FetchError as exc:
            if user_submitted and exc.reason in ("private_address", "scheme"):
                log.warning("refused a submitted address %s: %s", url, exc.reason)
            raise

    async def _fetch(
        self,
        url: str,
        *,
        accept: str,
        etag: str | None,
        last_modified: str | None,
        allowed: frozenset[str],
    ) -> FetchResult:
        hops: list[str] = []
        current = url
        conditional: dict[str, str] = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        for _ in range(self.max_redirects + 1):
            hop = self._check_url(current)
            await self._check_host(hop)
            headers = {"Accept": accept, **conditional}
            try:
                async with self._client.stream("GET", current, headers=headers) as response:
                    if response.status_code in REDIRECT_STATUSES:
                        location = response.headers.get("location")
                        if not location:
                            raise FetchError(
                                f"{current} redirected without saying where to.",
                                url=current,
                                reason="redirects",
                                status=response.status_code,
                            )
                        hops.append(current)
                        current = urljoin(current, location.strip())
                        continue
                    return await self._read(response, current, allowed, tuple(hops))
            except httpx.TimeoutException as exc:
                raise FetchError(
                    f"{current} did not answer within {self.timeout_s:g} seconds.",
                    url=current,
                    reason="timeout",
                ) from exc
            except httpx.ConnectError as exc:
                raise FetchError(
                    f"Could not connect to {hop.host}.", url=current, reason="connect"
                ) from exc
            except (httpx.RemoteProtocolError, httpx.DecodingError, httpx.ReadError) as exc:
                raise FetchError(
                    f"{hop.host} sent a broken response ({exc.__class__.__name__}).",
                    url=current,
                    reason="protocol",
                ) from exc
            except httpx.HTTPError as exc:
                raise FetchError(
                    f"Fetching {current} failed ({exc.__class__.__name__}).",
                    url=current,
                    reason="protocol",
                ) from exc
        raise FetchError(
            f"{url} redirected more than {self.max_redirects} times.", url=url, reason="redirects"
        )

    async def _read(
        self,
        response: httpx.Response,
        url: str,
        allowed: frozenset[str],
        hops: tuple[str, ...],
    ) -> FetchResult:
        status = response.status_code
        header_type = response.headers.get("content-type", "")
        content_type = header_type.split(";", 1)[0].strip().lower()
        if status == 304:
            return FetchResult(
                url=url,
                status=status,
                headers=response.headers,
                body=b"",
                content_type=content_type,
                encoding="utf-8",
                not_modified=True,
                redirects=hops,
            )
        if status >= 400 or status < 200:
            phrase = response.reason_phrase or "error"
            raise FetchError(
                f"{url} answered {status} {phrase}.", url=url, reason="http_status", status=status
            )
        if content_type and content_type not in allowed:
            raise FetchError(
                f"{url} is {content_type}, not a web page or feed Claimwatch can read.",
                url=url,
                reason="content_type",
                status=status,
            )
        too_large = FetchError(
            f"{url} is larger than the {_mb(self.max_bytes)} limit, so it was not read.",
            url=url,
            reason="too_large",
            status=status,
        )
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise too_large
        try:
            decoder = BoundedDecoder.for_encoding(response.headers.get("content-encoding", ""), url)
        except UnsupportedEncoding as exc:
            raise FetchError(str(exc), url=url, reason="protocol") from None
        chunks: list[bytes] = []
        size = 0
        async for raw in response.aiter_raw():
            chunk = decoder.decode(raw, self.max_bytes - size)
            size += len(chunk)
            if size > self.max_bytes:
                raise too_large
            chunks.append(chunk)
        tail = decoder.decode(b"", self.max_bytes - size, final=True)
        if size + len(tail) > self.max_bytes:
            raise too_large
        chunks.append(tail)
        body = b"".join(chunks)
        return FetchResult(
            url=url,
            status=status,
            headers=response.headers,
            body=body,
            content_type=content_type,
            encoding=detect_charset(body, header_type),
            redirects=hops,
        )
