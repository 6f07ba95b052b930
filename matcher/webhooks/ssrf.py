"""Refusing webhook URLs that point inside the network (SSRF, OWASP API7:2023).

An agency registers the URL Selaras will POST to. Left unchecked, that URL can aim Selaras at
its own database, a cloud metadata service or another internal host. :func:`check_url`
accepts only ``http``/``https`` URLs whose host resolves exclusively to globally reachable
unicast addresses, unless an officer allow-lists the host or a network (a receiver on the
loopback address in tests, a partner on a private link).

Resolution happens once, here. The returned :class:`ResolvedTarget` carries the addresses
that were checked, and the delivery code must connect to one of *those* addresses (sending
the original host in the ``Host`` header and as the TLS server name) and never resolve the
name again: otherwise a DNS answer that changes between the check and the connection (DNS
rebinding) walks straight past the guard. Redirects must not be followed (Standard Webhooks
treats a 3xx as a failed delivery) or must be checked again from the start.

Address classes refused (IANA IPv4 and IPv6 Special-Purpose Address Registries, plus
everything outside IPv6 global unicast ``2000::/3``) are listed in :data:`REFUSED_NETWORKS`;
an IPv6 address that embeds an IPv4 address (6to4, NAT64) is refused when the embedded
address is. Numeric IPv4 hosts are read the way the C library reads them (``2130706433``,
``0177.0.0.1``, ``0x7f.1`` are all 127.0.0.1), so an unusual spelling cannot hide a
private address.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

__all__ = [
    "REFUSED_NETWORKS",
    "AllowList",
    "IPAddress",
    "ResolvedTarget",
    "Resolver",
    "UnsafeTargetError",
    "check_url",
    "refusal",
    "system_resolver",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]
"""``(host, port) -> addresses`` as text; raises ``OSError`` when the name does not resolve."""

_V4 = ipaddress.IPv4Network
_V6 = ipaddress.IPv6Network
REFUSED_NETWORKS: tuple[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str], ...] = (
    (_V4("0.0.0.0/8"), "unspecified ('this network')"),
    (_V4("10.0.0.0/8"), "private"),
    (_V4("100.64.0.0/10"), "carrier-grade NAT (shared address space)"),
    (_V4("127.0.0.0/8"), "loopback"),
    (_V4("169.254.0.0/16"), "link-local (cloud metadata services live here)"),
    (_V4("172.16.0.0/12"), "private"),
    (_V4("192.0.0.0/24"), "reserved (IETF protocol assignments)"),
    (_V4("192.0.2.0/24"), "reserved (documentation)"),
    (_V4("192.88.99.0/24"), "reserved (6to4 relay anycast)"),
    (_V4("192.168.0.0/16"), "private"),
    (_V4("198.18.0.0/15"), "reserved (benchmarking)"),
    (_V4("198.51.100.0/24"), "reserved (documentation)"),
    (_V4("203.0.113.0/24"), "reserved (documentation)"),
    (_V4("224.0.0.0/4"), "multicast"),
    (_V4("240.0.0.0/4"), "reserved (including broadcast)"),
    (_V6("::/128"), "unspecified"),
    (_V6("::1/128"), "loopback"),
    (_V6("::ffff:0:0/96"), "IPv4-mapped IPv6"),
    (_V6("64:ff9b:1::/48"), "reserved (local-use NAT64)"),
    (_V6("100::/64"), "reserved (discard-only)"),
    (_V6("2001::/23"), "reserved (IETF protocol assignments, Teredo)"),
    (_V6("2001:db8::/32"), "reserved (documentation)"),
    (_V6("3fff::/20"), "reserved (documentation)"),
    (_V6("5f00::/16"), "reserved (segment routing)"),
    (_V6("fc00::/7"), "private (unique local)"),
    (_V6("fe80::/10"), "link-local"),
    (_V6("fec0::/10"), "reserved (site-local)"),
    (_V6("ff00::/8"), "multicast"),
)
"""Never a webhook target unless allow-listed, with the reason given in the refusal."""

_GLOBAL_UNICAST_V6 = _V6("2000::/3")
_NAT64 = _V6("64:ff9b::/96")
_NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}\.?$", re.IGNORECASE)


class UnsafeTargetError(ValueError):
    """The URL may not receive webhooks; the message says why, as far as the caller may
    know it.

    A name that does not resolve, resolves to nothing, or resolves to a refused address
    gets one message, so that an agency registering URLs learns nothing of the server's
    network (which internal names exist, and their addresses). ``detail`` says which, for
    the server's log.

    Parameters
    ----------
    message : str
        For the caller.
    detail : str, optional
        For the server's log; the message by default.
    """

    def __init__(self, message: str, detail: str | None = None) -> None:
        super().__init__(message)
        self.detail = detail or message


@dataclass(frozen=True)
class AllowList:
    """What an officer allows in spite of the rules: host names, and address networks."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    @classmethod
    def of(cls, entries: Iterable[str]) -> AllowList:
        """Build from text entries: a network or address (``127.0.0.0/8``, ``::1``) or a host.

        Parameters
        ----------
        entries : iterable of str
            What the officer typed, one entry each.

        Returns
        -------
        AllowList
        """
        hosts: set[str] = set()
        networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for entry in entries:
            text = entry.strip()
            try:
                networks.append(ipaddress.ip_network(text, strict=False))
            except ValueError:
                hosts.add(_normal_host(text))
        return cls(frozenset(hosts), tuple(networks))

    def admits(self, address: IPAddress) -> bool:
        """Whether ``address`` lies in an allow-listed network."""
        return any(address in network for network in self.networks)


@dataclass(frozen=True)
class ResolvedTarget:
    """A checked webhook URL and the only addresses a delivery may connect to."""

    url: str
    scheme: str
    host: str
    port: int
    addresses: tuple[IPAddress, ...] = field(default=())


def system_resolver(host: str, port: int) -> list[str]:
    """Resolve ``host`` with the operating system (``getaddrinfo``), TCP addresses only."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def check_url(
    url: str, *, allow: AllowList | None = None, resolve: Resolver = system_resolver
) -> ResolvedTarget:
    """Check a webhook URL and resolve its host once.

    Parameters
    ----------
    url : str
        The endpoint an agency registered.
    allow : AllowList, optional
        Hosts and networks an officer allows although they are not public.
    resolve : callable, optional
        Name resolution (tests pass a stub); called at most once, never for an IP literal.

    Returns
    -------
    ResolvedTarget
        The scheme, host, port and every address the host resolved to, all checked.

    Raises
    ------
    UnsafeTargetError
        If the URL is not http(s), carries credentials, has no host, does not resolve, or
        any address it resolves to is refused.
    """
    allow = allow or AllowList()
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise UnsafeTargetError(f"not a valid URL: {error}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise UnsafeTargetError(f"only http and https URLs receive webhooks; got {scheme!r}")
    if parts.username is not None or parts.password is not None:
        raise UnsafeTargetError("credentials in the URL are not accepted")
    if not parts.hostname:
        raise UnsafeTargetError("the URL has no host")
    host = _normal_host(parts.hostname)
    port = port or (443 if scheme == "https" else 80)
    literal = _literal_address(host)
    if literal is not None:
        addresses: tuple[IPAddress, ...] = (literal,)
    else:
        hidden = (
            f"{host} does not resolve to public addresses only: webhooks go only to public "
            "addresses unless an officer allow-lists the host or network"
        )
        try:
            found = resolve(host, port)
        except OSError as error:
            raise UnsafeTargetError(hidden, f"{host} does not resolve: {error}") from None
        addresses = tuple(dict.fromkeys(ipaddress.ip_address(a.split("%")[0]) for a in found))
        if not addresses:
            raise UnsafeTargetError(hidden, f"{host} resolves to no address")
    if host not in allow.hosts:
        for address in addresses:
            reason = refusal(address)
            if reason is not None and not allow.admits(address):
                if literal is None:
                    raise UnsafeTargetError(
                        hidden, f"{host} resolves to {address}, which is {reason}"
                    )
                raise UnsafeTargetError(
                    f"{address} is {reason}: webhooks go only to public addresses unless an "
                    "officer allow-lists the host or network"
                )
    return ResolvedTarget(url, scheme, host, port, addresses)


def refusal(address: IPAddress) -> str | None:
    """Why ``address`` may not receive webhooks, or None for a public unicast address.

    Parameters
    ----------
    address : IPv4Address or IPv6Address

    Returns
    -------
    str or None
        The address class (``"loopback"``, ``"private"``, ...), None when it is public.
    """
    for network, reason in REFUSED_NETWORKS:
        if address.version == network.version and address in network:
            return reason
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id is not None:
            return "scoped to an interface"
        embedded = address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            inner = refusal(embedded)
            return f"an IPv6 form of {embedded}, which is {inner}" if inner else None
        if address not in _GLOBAL_UNICAST_V6:
            return "reserved (outside IPv6 global unicast 2000::/3)"
    return None


def _normal_host(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


def _literal_address(host: str) -> IPAddress | None:
    """The address a host names directly, read as the C library would; None for a name."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if not _NUMERIC_HOST.match(host):
        return None
    return _inet_aton(host)


def _c_integer(text: str) -> int:
    """An integer as C's ``strtoul(text, 0)`` reads it: 0x hexadecimal, 0 octal, else decimal."""
    if text.lower().startswith("0x"):
        return int(text[2:], 16)
    return int(text, 8) if len(text) > 1 and text.startswith("0") else int(text)


def _inet_aton(host: str) -> ipaddress.IPv4Address:
    """Read a numeric IPv4 host in any of ``inet_aton``'s forms (1 to 4 parts, 0x or 0 radix)."""
    parts = host.rstrip(".").split(".")
    try:
        values = [_c_integer(part) for part in parts]
    except ValueError:
        raise UnsafeTargetError(f"{host!r} is not a valid numeric IPv4 address") from None
    # a.b.c.d; a.b.c (c fills 16 bits); a.b (b fills 24 bits); a (32 bits)
    widths = {1: (32,), 2: (8, 24), 3: (8, 8, 16), 4: (8, 8, 8, 8)}[len(values)]
    number = 0
    for value, width in zip(values, widths, strict=True):
        if value >= 1 << width:
            raise UnsafeTargetError(f"{host!r} is not a valid numeric IPv4 address")
        number = (number << width) | value
    return ipaddress.IPv4Address(number)
