"""What an import did: counts per resource, warnings, what was left out, and progress."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import TextIO


@dataclass
class ResourceCount:
    source: int = 0
    imported: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    resources: dict[str, ResourceCount] = field(default_factory=dict)
    not_imported: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False

    def resource(self, name: str) -> ResourceCount:
        return self.resources.setdefault(name, ResourceCount())

    def found(self, name: str, count: int) -> None:
        self.resource(name).source += count

    def imported(self, name: str, count: int = 1) -> None:
        self.resource(name).imported += count

    def warn(self, name: str, message: str) -> None:
        self.resource(name).warnings.append(message)

    def left_out(self, what: str) -> None:
        self.not_imported.append(what)

    def note(self, text: str) -> None:
        self.notes.append(text)

    @property
    def warning_count(self) -> int:
        return sum(len(r.warnings) for r in self.resources.values())

    def render(self) -> str:
        width = max([len("resource"), *(len(n) for n in self.resources)])
        title = "Dry run (nothing written)" if self.dry_run else "Imported"
        lines = [
            f"{title}:",
            f"{'resource':<{width}}  {'source':>8}  {'imported':>8}  {'warnings':>8}",
            f"{'-' * width}  {'-' * 8}  {'-' * 8}  {'-' * 8}",
        ]
        for name, count in self.resources.items():
            lines.append(
                f"{name:<{width}}  {count.source:>8}  {count.imported:>8}  {len(count.warnings):>8}"
            )
        warnings = [(n, w) for n, c in self.resources.items() for w in c.warnings]
        if warnings:
            lines += ["", "Warnings:"] + [f"- {name}: {text}" for name, text in warnings]
        if self.not_imported:
            lines += ["", "Not imported:"] + [f"- {text}" for text in self.not_imported]
        if self.notes:
            lines += ["", "Notes:"] + [f"- {text}" for text in self.notes]
        return "\n".join(lines)


class Progress:
    """One line per phase; on a terminal the line is redrawn as rows come in."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty()
        self.phase = ""
        self.rows = 0
        self.total = 0
        self.started = time.perf_counter()

    def start(self, phase: str, total: int = 0) -> None:
        self.phase, self.rows, self.total = phase, 0, total
        self.started = time.perf_counter()
        if self.tty:
            self._draw()

    def advance(self, rows: int) -> None:
        self.rows += rows
        if self.tty:
            self._draw()

    def finish(self) -> None:
        if self.tty:
            self._draw()
            self.stream.write("\n")
        else:
            seconds = time.perf_counter() - self.started
            self.stream.write(f"import-qiita: {self.phase}: {self.rows} rows in {seconds:.1f} s\n")
        self.stream.flush()

    def _draw(self) -> None:
        if self.total:
            done = min(self.rows, self.total)
            filled = int(30 * done / self.total)
            bar = f"[{'#' * filled}{'.' * (30 - filled)}] {done}/{self.total}"
        else:
            bar = f"{self.rows} rows"
        self.stream.write(f"\rimport-qiita: {self.phase:<12} {bar}")
        self.stream.flush()
