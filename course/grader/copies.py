"""Copy detection for summary.md: pairs of learners whose exercise code is suspiciously similar. Never a score.

The fingerprints are copydetect's (winnowed k-grams of the code after pygments has replaced every name with one
letter and dropped comments and whitespace), so renaming variables and rewording comments do not hide a copy.
Code that most of the class shares (the stub, the obvious one-liner) is set aside first, as MOSS does. A pair is
listed when the rest of the code of their exercises in a notebook overlaps by THRESHOLD or more (the smaller of
the two shares), with the exercises that overlap that much one by one.
"""

from __future__ import annotations

import atexit
import io
import itertools
import json
import os
import re
import shutil
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

K, WINDOW = 25, 1  # copydetect's defaults: 25 characters of normalised code, every k-gram kept
THRESHOLD = 0.8
MAX_CODE = 20_000  # characters of one exercise's code read from a submission
MAX_PAIRS = 30
MIN_CODE = 2 * K  # characters of normalised code, not shared by most of the class, a pair must have


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


def _copydetect():
    """copydetect, imported with matplotlib's cache in a folder of its own: it imports pyplot for its HTML report
    (never drawn here), which would otherwise write into the instructor's home."""
    if "copydetect" not in sys.modules and "MPLCONFIGDIR" not in os.environ:
        folder = tempfile.mkdtemp(prefix="course-copies-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)  # removed when the grader exits
        os.environ["MPLCONFIGDIR"] = folder
    import copydetect

    return copydetect


def _fingerprint(code: str, boilerplate=()):
    import numpy as np

    common = np.array(sorted(boilerplate), dtype=np.int64)
    return _copydetect().CodeFingerprint("answer.py", K, WINDOW, common, fp=io.StringIO(code), language="python")


def _overlap(a, b) -> tuple[float, float]:
    """How many characters of `a`'s and of `b`'s normalised code the two have in common."""
    _, (one, two), _ = _copydetect().compare_files(a, b)
    return float(one) * a.token_coverage, float(two) * b.token_coverage


def _common(codes: list[str]) -> set:
    """Fingerprints found in more than half of a class's answers (at least 3): the stub, the obvious one-liner.

    As MOSS does, code most of the class shares is not evidence that two learners copied each other.
    """
    if len(codes) < 3:
        return set()
    counts = Counter(h for code in codes for h in _fingerprint(code).hashes)
    return {h for h, n in counts.items() if n > len(codes) / 2}


def pairs(submissions, exercises_of) -> list[Pair]:
    """Suspiciously similar pairs among `submissions` (learner, notebook, path), most similar first."""
    by_notebook: dict[str, list] = {}
    for s in submissions:
        by_notebook.setdefault(s.notebook, []).append(s)
    found = []
    for notebook, group in by_notebook.items():
        names = [e.split(".")[1] for e in exercises_of(notebook)]
        code = {s.learner: exercise_code(s.path, names) for s in group}
        common = {n: _common([c[n] for c in code.values() if n in c]) for n in names}
        prints = {(learner, n): _fingerprint(c[n], common[n]) for learner, c in code.items() for n in c}
        for a, b in itertools.combinations(sorted(code), 2):
            shared = [n for n in names if n in code[a] and n in code[b]]
            overlaps = {n: _overlap(prints[a, n], prints[b, n]) for n in shared}
            sizes = [sum(prints[x, n].token_coverage for n in shared) for x in (a, b)]
            if min(sizes, default=0) < MIN_CODE:
                continue
            whole = min(
                sum(o[0] for o in overlaps.values()) / sizes[0], sum(o[1] for o in overlaps.values()) / sizes[1]
            )
            if whole >= THRESHOLD:
                close = tuple(
                    n
                    for n in shared
                    if min(
                        overlaps[n][0] / max(1, prints[a, n].token_coverage),
                        overlaps[n][1] / max(1, prints[b, n].token_coverage),
                    )
                    >= THRESHOLD
                )
                found.append(Pair(notebook, (a, b), float(whole), close))
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
