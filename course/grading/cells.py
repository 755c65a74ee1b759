"""The one definition of a check cell: a code cell whose code (comments aside) is `check(...)` calls only.

The build marks these cells as nbgrader's test cells, the batch grader skips them in a submission's kernel (it runs
the checks itself), and the tests find the exercises of a notebook through them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CALL = re.compile(r"""(?:course\.)?check\(\s*(\w+)\s*(?:,\s*(["'])([\w.]+)\2\s*)?\)\s*;?""")


@dataclass(frozen=True)
class CheckCall:
    """One `check(answer)` or `check(answer, "topic.name")` line."""

    answer: str  # the name of the checked function or value
    exercise_id: str | None  # the id named in the call, if any

    def exercise(self, topic: str | None) -> str | None:
        """The id of the checked exercise: the one named, else `<topic>.<answer>`."""
        return self.exercise_id or (f"{topic}.{self.answer}" if topic else None)


def _code_lines(source: str) -> list[str]:
    return [line.strip() for line in source.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def check_calls(source: str) -> list[CheckCall]:
    """The check calls of a check cell, in order; [] for any other cell (one line of other code is enough)."""
    calls = []
    for line in _code_lines(source):
        match = CALL.fullmatch(line)
        if match is None:
            return []
        calls.append(CheckCall(match.group(1), match.group(3)))
    return calls


def is_check_cell(source: str) -> bool:
    """Whether the cell's code is check calls only."""
    return bool(check_calls(source))
