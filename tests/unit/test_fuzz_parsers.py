"""Every parser of network input, scanner side and lab side, survives mutated captures and random bytes.

The same targets and mutators as ``make fuzz`` (bench/fuzz.py, 10,000 cases per target), with a
modest number of hypothesis-chosen cases here so the suite stays fast. The mutators themselves are
checked to produce what they claim (huge repeats, lying DHIP lengths, entity DTDs).
"""

from __future__ import annotations

import random
import struct
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from fuzz_mutations import DTD, MAX_INPUT, insert_repeat, mutate, nest, wrong_lengths
from fuzz_targets import TARGETS, seeds

from netfinger.protocols import dhip


@pytest.mark.parametrize("name", sorted(TARGETS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rng=st.randoms(use_true_random=False))
def test_mutated_inputs_never_raise(name: str, rng: random.Random) -> None:
    TARGETS[name](mutate(rng, seeds(name)))


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_seeds_parse(name: str) -> None:
    pool = seeds(name)
    assert pool
    for data in pool:
        TARGETS[name](data)


def test_mutators_make_what_they_claim() -> None:
    rng = random.Random(7)
    search = dhip.build_search()
    lengths = {struct.unpack_from("<I", wrong_lengths(rng, search, [search]), 16)[0] for _ in range(200)}
    assert len(lengths) > 3  # the body length field lies in several ways
    assert max(len(insert_repeat(rng, b"<a/>", [b"<a/>"])) for _ in range(200)) > 50_000
    assert all(len(mutate(rng, [search])) <= MAX_INPUT for _ in range(200))
    assert any(DTD in nest(rng, b'<?xml version="1.0"?><r/>', []) for _ in range(50))


def test_lying_dhip_headers_are_read_within_the_datagram() -> None:
    body = dhip.build_search()[32:]
    for claimed in (0, 24, 1024, 0xFFFFFFFF):
        data = dhip.build_header(claimed) + body
        reply = dhip.parse_reply(data)
        assert not reply.valid  # a search is no reply, however its header lies
        if claimed != len(body):
            assert any("body length field" in note for note in reply.anomalies)
