"""Which regulations cover a maker (NDAA §889, FCC Covered List, Commerce Entity List ...)."""

from __future__ import annotations

from netfinger.match.model import Regulation


def covering(regulations: tuple[Regulation, ...], maker: str | None) -> tuple[str, ...]:
    """Ids of the regulations naming ``maker`` (its subsidiaries and OEM-made units included)."""
    if not maker:
        return ()
    return tuple(sorted(r.id for r in regulations if maker in r.makers))
