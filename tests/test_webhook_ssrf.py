"""The SSRF guard: every non-public address class is refused, however it is written."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence

import pytest

from matcher.webhooks.ssrf import (
    REFUSED_NETWORKS,
    AllowList,
    UnsafeTargetError,
    check_url,
    refusal,
)


class StubResolver:
    """Resolves names from a table and counts the calls (the guard must resolve once)."""

    def __init__(self, table: dict[str, Sequence[str]]) -> None:
        self.table = table
        self.calls: list[tuple[str, int]] = []

    def __call__(self, host: str, port: int) -> Sequence[str]:
        self.calls.append((host, port))
        if host not in self.table:
            raise OSError(f"[Errno -2] Name or service not known: {host}")
        return self.table[host]


def no_resolver(host: str, port: int) -> Sequence[str]:
    raise AssertionError(f"an IP literal must not be resolved ({host})")


REFUSED_LITERALS = {
    "0.0.0.0": "unspecified",
    "10.1.2.3": "private",
    "100.64.0.1": "carrier-grade NAT",
    "127.0.0.1": "loopback",
    "127.255.255.254": "loopback",
    "169.254.169.254": "link-local",
    "172.16.0.1": "private",
    "172.31.255.255": "private",
    "192.0.0.8": "reserved",
    "192.0.2.10": "documentation",
    "192.88.99.1": "6to4 relay",
    "192.168.1.1": "private",
    "198.18.0.1": "benchmarking",
    "198.51.100.7": "documentation",
    "203.0.113.9": "documentation",
    "224.0.0.1": "multicast",
    "239.255.255.250": "multicast",
    "240.0.0.1": "reserved",
    "255.255.255.255": "reserved",
    "[::]": "unspecified",
    "[::1]": "loopback",
    "[::ffff:127.0.0.1]": "IPv4-mapped",
    "[::ffff:8.8.8.8]": "IPv4-mapped",
    "[64:ff9b::7f00:1]": "IPv6 form of 127.0.0.1, which is loopback",
    "[64:ff9b:1::1]": "local-use NAT64",
    "[100::1]": "discard-only",
    "[2001:0:4136:e378:8000:63bf:3fff:fdd2]": "Teredo",
    "[2001:db8::1]": "documentation",
    "[2002:a00:1::]": "IPv6 form of 10.0.0.1, which is private",
    "[3fff::1]": "documentation",
    "[5f00::1]": "segment routing",
    "[fc00::1]": "unique local",
    "[fd12:3456::1]": "unique local",
    "[fe80::1]": "link-local",
    "[fe80::1%25eth0]": "link-local",
    "[fec0::1]": "site-local",
    "[ff02::1]": "multicast",
    "[::1.2.3.4]": "outside IPv6 global unicast",
    "[4000::1]": "outside IPv6 global unicast",
}


@pytest.mark.parametrize(("host", "reason"), sorted(REFUSED_LITERALS.items()))
def test_each_non_public_address_literal_is_refused(host: str, reason: str) -> None:
    with pytest.raises(UnsafeTargetError, match=reason):
        check_url(f"https://{host}/hook", resolve=no_resolver)


def test_every_refused_network_has_a_literal_in_the_test() -> None:
    addresses = [ipaddress.ip_address(h.strip("[]").split("%")[0]) for h in REFUSED_LITERALS]
    for network, _ in REFUSED_NETWORKS:
        assert any(a.version == network.version and a in network for a in addresses), network


@pytest.mark.parametrize(
    ("host", "means"),
    [
        ("2130706433", "127.0.0.1"),  # one decimal number
        ("0x7f000001", "127.0.0.1"),  # one hexadecimal number
        ("017700000001", "127.0.0.1"),  # one octal number
        ("0177.0.0.1", "127.0.0.1"),  # octal first part
        ("0x7f.0.0.1", "127.0.0.1"),  # hexadecimal first part
        ("127.1", "127.0.0.1"),  # a.b: b fills 24 bits
        ("127.0.1", "127.0.0.1"),  # a.b.c: c fills 16 bits
        ("0xA9.0xFE.0xA9.0xFE", "169.254.169.254"),
        ("2852039166", "169.254.169.254"),
        ("012.0.0.1", "10.0.0.1"),
        ("0", "0.0.0.0"),
        ("127.0.0.1.", "127.0.0.1"),  # trailing dot
    ],
)
def test_numeric_ipv4_spellings_are_read_as_the_c_library_reads_them(host: str, means: str) -> None:
    with pytest.raises(UnsafeTargetError, match=means.replace(".", r"\.")):
        check_url(f"http://{host}:8080/x", resolve=no_resolver)


def test_a_public_address_in_an_unusual_spelling_is_accepted_as_that_address() -> None:
    target = check_url("http://134744072/hook", resolve=no_resolver)  # 8.8.8.8
    assert target.addresses == (ipaddress.ip_address("8.8.8.8"),)
    with pytest.raises(UnsafeTargetError, match="not a valid numeric IPv4"):
        check_url("http://256.1.1.1/", resolve=no_resolver)


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (["127.0.0.1"], "loopback"),
        (["10.0.0.5"], "private"),
        (["169.254.169.254"], "link-local"),
        (["100.100.100.200"], "carrier-grade NAT"),
        (["::1"], "loopback"),
        (["fd00:ec2::254"], "unique local"),
        (["::ffff:10.0.0.1"], "IPv4-mapped"),
        (["fe80::1%eth0"], "link-local"),
        (["93.184.216.34", "10.0.0.1"], "private"),  # one bad answer among good ones
    ],
)
def test_names_resolving_to_non_public_addresses_are_refused(
    answer: list[str], reason: str
) -> None:
    resolver = StubResolver({"hooks.agency.example": answer})
    with pytest.raises(UnsafeTargetError, match="does not resolve to public addresses") as caught:
        check_url("https://hooks.agency.example/selaras", resolve=resolver)
    assert re.search(rf"resolves to .*{reason}", caught.value.detail)
    assert resolver.calls == [("hooks.agency.example", 443)]


def test_a_public_name_is_resolved_once_and_its_addresses_returned() -> None:
    resolver = StubResolver({"hooks.agency.example": ["93.184.216.34", "2606:2800:220:1::1"]})
    target = check_url("HTTPS://Hooks.Agency.Example.:8443/a?b=c", resolve=resolver)
    assert (target.scheme, target.host, target.port) == ("https", "hooks.agency.example", 8443)
    assert [str(a) for a in target.addresses] == ["93.184.216.34", "2606:2800:220:1::1"]
    assert resolver.calls == [("hooks.agency.example", 8443)]


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ftp://files.example/x", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("gopher://127.0.0.1:25/", "only http and https"),
        ("https://user:pw@hooks.example/", "credentials"),
        ("https:///path-only", "no host"),
        ("https://[::1/", "not a valid URL"),
        ("https://nowhere.example/", "does not resolve"),
        ("https://empty.example/", "resolves to no address"),
    ],
)
def test_urls_that_cannot_be_webhook_targets(url: str, words: str) -> None:
    with pytest.raises(UnsafeTargetError) as caught:
        check_url(url, resolve=StubResolver({"empty.example": []}))
    assert words in caught.value.detail


def test_the_caller_learns_nothing_of_what_a_name_resolves_to() -> None:
    # An agency probing internal names gets one answer whether a name does not resolve,
    # resolves to nothing or to a private address; the server's log gets which.
    resolver = StubResolver({"db.internal": ["10.1.2.3"], "empty.internal": []})
    messages, details = [], []
    for host in ("db.internal", "empty.internal", "missing.internal"):
        with pytest.raises(UnsafeTargetError) as caught:
            check_url(f"https://{host}/", resolve=resolver)
        messages.append(str(caught.value).replace(host, "HOST"))
        details.append(caught.value.detail)
    assert len(set(messages)) == 1
    assert "10.1.2.3" not in messages[0]
    assert "10.1.2.3" in details[0]
    # A literal address is the caller's own: its class is named.
    with pytest.raises(UnsafeTargetError, match=r"10\.1\.2\.3 is private"):
        check_url("https://10.1.2.3/", resolve=resolver)


def test_an_officer_allow_list_admits_hosts_and_networks() -> None:
    resolver = StubResolver({"receiver.test": ["127.0.0.1"], "partner.internal": ["10.8.0.4"]})
    by_network = AllowList.of(["127.0.0.0/8", "::1"])
    assert (
        check_url("http://127.0.0.1:9000/hook", allow=by_network, resolve=no_resolver).port == 9000
    )
    assert check_url("http://[::1]:9000/hook", allow=by_network, resolve=no_resolver).host == "::1"
    assert check_url("http://receiver.test/", allow=by_network, resolve=resolver).addresses
    with pytest.raises(UnsafeTargetError) as caught:
        check_url("http://partner.internal/", allow=by_network, resolve=resolver)
    assert "private" in caught.value.detail
    by_host = AllowList.of(["Partner.Internal"])
    target = check_url("http://partner.internal/", allow=by_host, resolve=resolver)
    assert [str(a) for a in target.addresses] == ["10.8.0.4"]


def test_the_system_resolver_is_used_by_default_and_localhost_is_refused() -> None:
    with pytest.raises(UnsafeTargetError) as caught:
        check_url("http://localhost:8000/hook")
    assert re.search(r"localhost resolves to .*loopback", caught.value.detail)


def test_refusal_names_the_class_or_none_for_public_unicast() -> None:
    assert refusal(ipaddress.ip_address("8.8.8.8")) is None
    assert refusal(ipaddress.ip_address("2606:4700::1111")) is None
    assert refusal(ipaddress.ip_address("2002:808:808::1")) is None  # 6to4 of a public address
    assert refusal(ipaddress.ip_address("64:ff9b::808:808")) is None  # NAT64 of 8.8.8.8
    assert refusal(ipaddress.ip_address("100.64.0.1")) == "carrier-grade NAT (shared address space)"
