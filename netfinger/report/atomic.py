"""Atomic file replacement: readers see the old file or the new one, never half of either."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path


def _fsync_dir(directory: Path) -> None:
    """Make the rename durable; some filesystems refuse to open a directory, which is fine."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_write_chunks`)."""
    atomic_write_chunks(path, [text])


def atomic_write_chunks(path: Path, chunks: Iterable[str]) -> None:
    """Write ``chunks`` to ``path`` via a temporary file in the same directory, fsync, then rename.

    A new file gets mode 0600 (reports list vulnerable devices); an existing file keeps its mode.
    On any failure the temporary file is removed and the old ``path`` is left untouched.
    """
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(directory)
