"""Scan progress: a no-op sink for libraries and pipes, a rich display on an interactive stderr."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Protocol, TextIO

if TYPE_CHECKING:
    from rich.console import Console


class ProgressSink(Protocol):
    def phase(self, name: str, probes: list[str]) -> None: ...

    def probe_done(self, name: str, outcome: str) -> None: ...

    def hosts(self, count: int) -> None: ...

    def close(self) -> None: ...


class NullProgress:
    def phase(self, name: str, probes: list[str]) -> None:
        return None

    def probe_done(self, name: str, outcome: str) -> None:
        return None

    def hosts(self, count: int) -> None:
        return None

    def close(self) -> None:
        return None


class RichProgress:
    """One spinner line per probe plus a live host count, on stderr."""

    def __init__(self, console: Console | None = None) -> None:
        from rich.console import Console  # rich only for a terminal: pipes and --quiet never load it
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self._console = console or Console(file=sys.stderr)
        self._progress = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
            console=self._console, transient=True,
        )
        self._tasks: dict[str, Any] = {}
        self._hosts = self._progress.add_task("hosts found: 0", total=None)
        self._progress.start()

    def phase(self, name: str, probes: list[str]) -> None:
        for probe in probes:
            self._tasks[probe] = self._progress.add_task(f"{name}: {probe}", total=1)

    def probe_done(self, name: str, outcome: str) -> None:
        from rich.markup import escape

        task = self._tasks.get(name)
        if task is not None:
            self._progress.update(task, completed=1, description=escape(f"{name}: {outcome}"))

    def hosts(self, count: int) -> None:
        self._progress.update(self._hosts, description=f"hosts found: {count}")

    def close(self) -> None:
        self._progress.update(self._hosts, total=1, completed=1)
        self._progress.stop()


class LineProgress:
    """Plain lines on stderr when it is not a terminal (logs, cron, pipes): a line per phase and probe."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stderr
        self._hosts = 0

    def _say(self, text: str) -> None:
        print(f"netfinger: {text}", file=self._stream, flush=True)

    def phase(self, name: str, probes: list[str]) -> None:
        self._say(f"{name}: {', '.join(probes)}")

    def probe_done(self, name: str, outcome: str) -> None:
        self._say(f"{name}: {outcome}".translate(CONTROL_TO_SPACE))

    def hosts(self, count: int) -> None:
        self._hosts = count

    def close(self) -> None:
        self._say(f"hosts found: {self._hosts}")


CONTROL_TO_SPACE = dict.fromkeys((*range(32), 127), " ")


def make_progress(enabled: bool) -> ProgressSink:
    if not enabled:
        return NullProgress()
    return RichProgress() if sys.stderr.isatty() else LineProgress()
