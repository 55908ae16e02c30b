"""The listen command's decoder names are the registry's, and parsing its options loads no decoder."""

from __future__ import annotations

import subprocess
import sys

from netfinger.cli.listen import ALL_DECODERS
from netfinger.passive.decoders import DECODERS, STREAM_DECODERS


def test_cli_decoder_names_are_the_registry() -> None:
    assert set(ALL_DECODERS) == set(DECODERS) | set(STREAM_DECODERS)
    assert len(ALL_DECODERS) == len(DECODERS) + len(STREAM_DECODERS)


def test_building_the_parser_loads_no_passive_code() -> None:
    code = ("import sys; from netfinger.cli import build_parser; build_parser(); "
            "print(sorted(m for m in sys.modules if m.startswith('netfinger.passive')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"
