"""Scan targets: CIDRs, ranges (``10.0.0.5-10.0.0.20`` or ``10.0.0.5-20``) and single addresses."""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Address, IPv4Network, collapse_addresses, summarize_address_range

from netfinger.errors import UsageError

# Larger than this (a /15) needs --force.
MAX_ADDRESSES = 1 << 17


def parse_target(spec: str) -> list[IPv4Network]:
    """One target spec as a list of networks; UsageError says what is wrong with it."""
    text = spec.strip()
    try:
        if "/" in text:
            return [IPv4Network(text, strict=False)]
        if "-" in text:
            first_s, last_s = (part.strip() for part in text.split("-", 1))
            first = IPv4Address(first_s)
            last = _range_end(first_s, last_s)
            return list(summarize_address_range(first, last))
        return [IPv4Network(f"{IPv4Address(text)}/32")]
    except ValueError as exc:
        raise UsageError(
            f"cannot read target {spec!r} ({exc}); use a CIDR (10.0.0.0/24), a range "
            "(10.0.0.5-10.0.0.20 or 10.0.0.5-20) or an address"
        ) from exc


def _range_end(first_s: str, last_s: str) -> IPv4Address:
    if "." not in last_s:
        if not (last_s.isascii() and last_s.isdigit()) or int(last_s) > 255:
            raise ValueError(f"bad range end {last_s!r}")
        last = IPv4Address(first_s.rsplit(".", 1)[0] + "." + last_s)
    else:
        last = IPv4Address(last_s)
    if last < IPv4Address(first_s):
        raise ValueError("range ends before it starts")
    return last


def parse_targets(specs: Iterable[str], force: bool = False) -> tuple[IPv4Network, ...]:
    """All specs, merged; refuses more than a /15 unless ``force``."""
    nets: list[IPv4Network] = []
    for spec in specs:
        nets.extend(parse_target(spec))
    merged = tuple(collapse_addresses(nets))
    total = address_count(merged)
    if total > MAX_ADDRESSES and not force:
        raise UsageError(
            f"{total} target addresses is more than a /15 ({MAX_ADDRESSES}); narrow the targets "
            "or pass --force if you really mean it"
        )
    return merged


def address_count(networks: Iterable[IPv4Network]) -> int:
    return sum(net.num_addresses for net in networks)
