"""Progress of long command-line work: a bar on a terminal, plain lines when piped.

Work reports steps (`progress.step("loading studies")`: the previous step is done, this
one starts); `finish()` ends the report. Output goes to stderr, so a command's result on
stdout stays clean for scripts. Code that may run without a command line takes a
`Progress` argument defaulting to `SILENT`.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import TextIO

BAR_WIDTH = 24


class Progress:
    def __init__(
        self,
        title: str,
        total: int | None = None,
        *,
        stream: TextIO | None = None,
        interactive: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.title = title
        self.total = total
        """Number of steps when known; it may be set once the work knows it."""
        self.stream = stream if stream is not None else sys.stderr
        self.interactive = self._is_terminal() if interactive is None else interactive
        self.done = 0
        self.started = False
        self.clock = clock
        self.start_time = clock()

    def _is_terminal(self) -> bool:
        isatty = getattr(self.stream, "isatty", None)
        return bool(isatty and isatty())

    def step(self, note: str) -> None:
        """The previous step is done (if any); `note` says what is being done now."""
        if self.started:
            self.done += 1
        self.started = True
        self._show(note, final=False)

    def finish(self, note: str = "done") -> None:
        if self.started:
            self.done += 1
            self.started = False
        if self.total is not None:
            self.done = max(self.done, self.total)
        self._show(f"{note} in {self.clock() - self.start_time:.1f} s", final=True)

    def abandon(self) -> None:
        """Work failed: end a terminal's bar line so that the error starts on its own line."""
        if self.interactive and self.started:
            self._write("\n")

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is not None:
            self.abandon()

    def _counter(self) -> str:
        if self.total is None:
            return f"[{self.done}]"
        return f"[{self.done}/{self.total}]"

    def _bar(self) -> str:
        if not self.total:
            return ""
        filled = min(BAR_WIDTH, BAR_WIDTH * self.done // self.total)
        return "[" + "#" * filled + "-" * (BAR_WIDTH - filled) + "] "

    def _show(self, note: str, *, final: bool) -> None:
        if self.interactive:
            counter = f"{self.done}/{self.total}" if self.total else str(self.done)
            line = f"\r\x1b[K{self.title} {self._bar()}{counter} {note}"
            self._write(line + ("\n" if final else ""))
        else:
            self._write(f"{self.title} {self._counter()} {note}\n")

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()


class _Silent(Progress):
    def _show(self, note: str, *, final: bool) -> None:
        pass

    def abandon(self) -> None:
        pass


SILENT: Progress = _Silent("", interactive=False)
"""Reports nothing: the default of code that also runs inside the server."""
