"""lab up raises the shared neighbour-table caps to fit the lab, never lowers them."""

from __future__ import annotations

from pathlib import Path

from netfinger.lab.neigh import raise_neighbour_limits, wanted_limits


def _proc(tmp_path: Path, values: dict[str, int]) -> Path:
    for family in ("ipv4", "ipv6"):
        folder = tmp_path / family / "neigh" / "default"
        folder.mkdir(parents=True)
        for key, value in values.items():
            (folder / key).write_text(f"{value}\n")
    return tmp_path


def test_raises_low_limits_for_a_big_lab(tmp_path: Path) -> None:
    proc = _proc(tmp_path, {"gc_thresh2": 512, "gc_thresh3": 1024})
    changed = raise_neighbour_limits(4000, proc)
    want = wanted_limits(4000)
    assert want["gc_thresh3"] >= 2 * 4000
    for family in ("ipv4", "ipv6"):
        folder = proc / family / "neigh" / "default"
        assert int((folder / "gc_thresh3").read_text()) == want["gc_thresh3"]
        assert int((folder / "gc_thresh2").read_text()) == want["gc_thresh2"]
    assert len(changed) == 4


def test_never_lowers_and_skips_missing_files(tmp_path: Path) -> None:
    proc = _proc(tmp_path, {"gc_thresh2": 100_000, "gc_thresh3": 200_000})
    (proc / "ipv6" / "neigh" / "default" / "gc_thresh3").unlink()
    assert raise_neighbour_limits(250, proc) == []
    assert (proc / "ipv4" / "neigh" / "default" / "gc_thresh3").read_text().strip() == "200000"
