"""Where fetches may connect: address checks and a transport pinned to checked addresses.

``refused_reason`` says why an address is not public (loopback, private,
link-local …, IPv4-mapped, 6to4 and Teredo forms included); ``AddressBook``
holds the addresses checked per host; ``PinnedBackend`` and
``PinnedTransport`` make httpx connect only to those, so DNS rebinding
between the check and the connection is never followed.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def refused_reason(ip: IPAddress) -> str | None:
    """Why an address may not be fetched, or None when it is a public address."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None:
            return refused_reason(embedded)
    checks = (
        (ip.is_loopback, "loopback"),
        (ip.is_unspecified, "unspecified"),
        (ip.is_link_local, "link-local"),
        (ip.is_multicast, "multicast"),
        (ip.is_private, "private"),
        (ip.is_reserved, "reserved"),
        (not ip.is_global, "non-public"),
    )
    for hit, word in checks:
        if hit:
            return word
    return None


def parse_ip(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


class AddressBook:
    """Checked addresses per host name; the only places the backend may connect to."""

    def __init__(self) -> None:
        self._pins: dict[str, tuple[str, ...]] = {}
        self._open: set[str] = set()

    def pin(self, host: str, addresses: Iterable[str]) -> None:
        self._pins[host.lower()] = tuple(addresses)

    def open_host(self, host: str) -> None:
        """An allow-listed host: connect by name, no pinning."""
        self._open.add(host.lower())

    def lookup(self, host: str) -> tuple[str, ...] | None:
        host = host.lower().strip("[]")
        if host in self._pins:
            return self._pins[host]
        if host in self._open:
            return (host,)
        return None


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that connects only to addresses the fetcher checked."""

    def __init__(self, book: AddressBook) -> None:
        self._book = book
        self._inner = httpcore.AnyIOBackend()
        self.connections_opened = 0

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        targets = self._book.lookup(host)
        if not targets:
            raise httpcore.ConnectError(f"{host} was not checked before connecting")
        last: Exception | None = None
        for target in targets:
            try:
                stream = await self._inner.connect_tcp(
                    target,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
                continue
            self.connections_opened += 1
            return stream
        assert last is not None
        raise last

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are never used for fetching")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport, with its connection pool built on ``PinnedBackend``."""

    def __init__(
        self, backend: PinnedBackend, *, http2: bool, limits: httpx.Limits, verify: bool = True
    ) -> None:
        super().__init__(http2=http2, limits=limits, verify=verify, trust_env=False)
        ssl_context = httpx.create_ssl_context(verify=verify, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=http2,
            network_backend=backend,
        )
