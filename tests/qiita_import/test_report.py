"""The import report's table and the progress display, without a database."""

from __future__ import annotations

import io

from gateway.qiita_import.report import ImportReport, Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_table_lists_counts_warnings_and_what_was_left_out() -> None:
    report = ImportReport()
    report.found("studies", 2)
    report.imported("studies", 1)
    report.warn("studies", "study 2: owner x@y.z not imported")
    report.left_out("qiita.stats_daily: 3 row(s): daily statistics")
    lines = report.render().splitlines()
    assert lines[0] == "Imported:"
    assert lines[3].split() == ["studies", "2", "1", "1"]
    assert "- studies: study 2: owner x@y.z not imported" in lines
    assert "- qiita.stats_daily: 3 row(s): daily statistics" in lines
    assert report.warning_count == 1


def test_progress_is_a_bar_on_a_terminal_and_lines_otherwise() -> None:
    terminal = Terminal()
    progress = Progress(terminal)
    progress.start("jobs", total=10)
    progress.advance(5)
    assert terminal.getvalue().endswith(f"[{'#' * 15}{'.' * 15}] 5/10")
    progress.finish()
    assert terminal.getvalue().endswith("] 5/10\n")
    assert "\r" in terminal.getvalue()

    plain = io.StringIO()
    progress = Progress(plain)
    progress.start("jobs", total=10)
    progress.advance(10)
    progress.finish()
    assert plain.getvalue().startswith("import-qiita: jobs: 10 rows in ")
    assert "\r" not in plain.getvalue()
