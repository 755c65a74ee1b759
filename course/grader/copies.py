"""Copy detection for summary.md: pairs of learners whose exercise code is suspiciously similar. Never a score.

The fingerprints are copydetect's (winnowed k-grams of the code after pygments has replaced every name with one
letter and dropped comments and whitespace), so renaming variables and rewording comments do not hide a copy.
A pair is listed when the code of all their exercises in a notebook overlaps by THRESHOLD or more (the smaller of
the two shares), with the exercises that overlap that much one by one.
"""

from __future__ import annotations

import io
import itertools
import json
import re
from dataclasses import dataclass
from pathlib import Path

K, WINDOW = 25, 1  # copydetect's defaults: 25 characters of normalised code, every k-gram kept
THRESHOLD = 0.8
MAX_CODE = 20_000  # characters of one exercise's code read from a submission
MAX_PAIRS = 30


@dataclass(frozen=True)
class Pair:
    notebook: str
    learners: tuple[str, str]
    similarity: float
    exercises: tuple[str, ...]


def exercise_code(path: Path, names: list[str]) -> dict[str, str]:
    """The source of the cell defining each exercise's function (or assigning its value) in a submitted notebook."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        sources = [
            "".join(c["source"]) if isinstance(c["source"], list) else str(c["source"])
            for c in cells
            if c.get("cell_type") == "code"
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    found = {}
    for name in names:
        pattern = re.compile(rf"^(def\s+{re.escape(name)}\s*\(|{re.escape(name)}\s*=)", re.M)
        cell = next((s for s in sources if pattern.search(s)), None)
        if cell is not None:
            found[name] = cell[:MAX_CODE]
    return found


def _fingerprint(code: str):
    from copydetect import CodeFingerprint

    return CodeFingerprint("answer.py", K, WINDOW, fp=io.StringIO(code), language="python")


def _similarity(a: str, b: str) -> float:
    from copydetect import compare_files

    _, (one, two), _ = compare_files(_fingerprint(a), _fingerprint(b))
    return float(min(one, two))


def pairs(submissions, exercises_of) -> list[Pair]:
    """Suspiciously similar pairs among `submissions` (learner, notebook, path), most similar first."""
    by_notebook: dict[str, list] = {}
    for s in submissions:
        by_notebook.setdefault(s.notebook, []).append(s)
    found = []
    for notebook, group in by_notebook.items():
        names = [e.split(".")[1] for e in exercises_of(notebook)]
        code = {s.learner: exercise_code(s.path, names) for s in group}
        for a, b in itertools.combinations(sorted(code), 2):
            shared = [n for n in names if n in code[a] and n in code[b]]
            if not shared:
                continue
            whole = _similarity("\n".join(code[a][n] for n in shared), "\n".join(code[b][n] for n in shared))
            if whole >= THRESHOLD:
                close = tuple(n for n in shared if _similarity(code[a][n], code[b][n]) >= THRESHOLD)
                found.append(Pair(notebook, (a, b), whole, close))
    return sorted(found, key=lambda p: (-p.similarity, p.notebook, p.learners))


def summary_lines(found: list[Pair]) -> list[str]:
    """The summary's section on copies: a table of pairs, or a line saying there are none."""
    lines = ["## Possible copies", ""]
    if not found:
        return lines + [f"No pair of learners' exercise code overlaps by {THRESHOLD:.0%} or more.", ""]
    lines += [
        f"Pairs whose exercise code overlaps by {THRESHOLD:.0%} or more once names, comments and layout are set aside "
        "(copydetect's fingerprints). Worth a look; grades are not changed.",
        "",
        "| notebook | learners | similarity | exercises |",
        "|---|---|---|---|",
    ]
    for p in found[:MAX_PAIRS]:
        lines.append(
            f"| {p.notebook} | {p.learners[0]}, {p.learners[1]} | {p.similarity:.0%} | {', '.join(p.exercises)} |"
        )
    if len(found) > MAX_PAIRS:
        lines.append(f"\n... and {len(found) - MAX_PAIRS} more pairs.")
    return lines + [""]
