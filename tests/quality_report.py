"""Pytest plugin: accuracy numbers that tests measure are printed after the run.

A test asks for the ``quality_report`` fixture and appends a line; the lines appear in a
"quality report" section of the terminal summary, so every ``make test`` shows them.
"""

from __future__ import annotations

import pytest

_LINES: list[str] = []


@pytest.fixture
def quality_report() -> list[str]:
    """Lines to print in the terminal summary."""
    return _LINES


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _LINES:
        terminalreporter.section("quality report")
        for line in _LINES:
            terminalreporter.write_line(line)
