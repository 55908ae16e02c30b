"""Fuzz every parser of network input: ``make fuzz`` (or ``python bench/fuzz.py --cases 10000``).

Each target (bench/fuzz_targets.py) gets ``--cases`` inputs: its valid seeds mutated (truncation,
byte flips, huge repeats, lying length fields, splices, deep nesting, entity DTDs) and random bytes.
A case fails when the parser raises or takes longer than ``--slow-ms`` (a parser that spins on what a
device sends stalls the whole scan). Prints per target: cases, failures, slow cases, total and
slowest-case time; exits 1 when anything failed, writing each target's first bad input under ``--out``.
No network, no files read besides the captures.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fuzz_mutations import mutate  # bench/ is not a package: imported from its own directory
from fuzz_targets import TARGETS, Target, seeds


@dataclass
class Result:
    name: str
    cases: int = 0
    failures: int = 0
    slow: int = 0
    seconds: float = 0.0
    slowest_ms: float = 0.0
    first_failure: bytes | None = None
    first_error: str = ""


def run_target(name: str, target: Target, cases: int, seed: int, slow_ms: float) -> Result:
    rng = random.Random(f"{seed}:{name}")
    pool = seeds(name)
    result = Result(name)
    started = time.perf_counter()
    for _ in range(cases):
        data = mutate(rng, pool)
        t0 = time.perf_counter()
        try:
            target(data)
        except Exception:  # what we are looking for
            result.failures += 1
            if result.first_failure is None:
                result.first_failure, result.first_error = data, traceback.format_exc(limit=4)
        took = (time.perf_counter() - t0) * 1000
        if took > slow_ms:
            result.slow += 1
            if result.first_failure is None:
                result.first_failure, result.first_error = data, f"{name}: one case took {took:.0f} ms\n"
        result.slowest_ms = max(result.slowest_ms, took)
        result.cases += 1
    result.seconds = time.perf_counter() - started
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cases", type=int, default=10_000, help="inputs per target (default 10000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (runs are reproducible)")
    parser.add_argument("--only", nargs="*", default=None, metavar="TARGET", help=f"of: {', '.join(TARGETS)}")
    parser.add_argument("--slow-ms", type=float, default=1000.0, help="a case slower than this fails")
    parser.add_argument("--out", type=Path, default=Path("fuzz-failures"), help="where failing inputs go")
    args = parser.parse_args(argv)
    names = args.only or list(TARGETS)
    print(f"{'target':<14} {'cases':>7} {'failures':>8} {'slow':>5} {'seconds':>8} {'slowest ms':>10}")
    failed = 0
    for name in names:
        res = run_target(name, TARGETS[name], args.cases, args.seed, args.slow_ms)
        print(f"{res.name:<14} {res.cases:>7} {res.failures:>8} {res.slow:>5} {res.seconds:>8.1f} "
              f"{res.slowest_ms:>10.1f}", flush=True)
        if res.first_failure is not None:
            failed += 1
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"{name}.bin").write_bytes(res.first_failure)
            print(res.first_error, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
