"""The grader's outputs: grades.csv, feedback/<learner>.md and summary.md."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

from course.grader.copies import summary_lines as copy_lines
from course.grader.submission import Graded

UNSANDBOXED = (
    "Graded without the sandbox (--no-sandbox): submitted code ran with the grader's user, files and environment."
)

COLUMNS = ("learner", "notebook", "exercise", "score", "max_score", "feedback")


def _number(x: float) -> str:
    return f"{x:g}"


def write_csv(graded: list[Graded], path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for g in graded:
            for r in g.rows:
                writer.writerow([r.learner, r.notebook, r.exercise, _number(r.score), _number(r.max_score), r.feedback])


def write_feedback(graded: list[Graded], folder: Path) -> None:
    """One Markdown file per learner, notebook by notebook."""
    folder.mkdir(parents=True, exist_ok=True)
    by_learner: dict[str, list[Graded]] = defaultdict(list)
    for g in graded:
        by_learner[g.learner].append(g)
    for learner, notebooks in by_learner.items():
        lines = [f"# Feedback for {learner}", ""]
        for g in notebooks:
            score, total = sum(r.score for r in g.rows), sum(r.max_score for r in g.rows)
            lines += [f"## {g.notebook}: {_number(score)} / {_number(total)}", ""]
            for r in g.rows:
                lines.append("- " + r.feedback.replace("\n", "\n  "))
            if g.notes:
                lines += ["", "Errors while your notebook ran (not graded, but worth a look):", ""]
                lines += [f"- {note}" for note in g.notes]
            lines.append("")
        (folder / f"{learner}.md").write_text("\n".join(lines), encoding="utf-8")


def summary_text(
    graded: list[Graded], ignored: list[str], top: int = 3, *, seed=None, sandboxed=True, copies=None
) -> str:
    """Per exercise: how many passed, and the most common recognised mistakes with their counts; the seed of the
    hidden cases; possible copies (course.grader.copies); a warning on top when the sandbox was off."""
    passed, total, mistakes = Counter(), Counter(), defaultdict(Counter)
    order: dict[str, None] = {}
    for g in graded:
        for r in g.rows:
            order.setdefault(r.exercise)
            total[r.exercise] += 1
            passed[r.exercise] += r.score >= r.max_score > 0
            if r.mistake:
                mistakes[r.exercise][r.mistake] += 1
    learners = {g.learner for g in graded}
    lines = ["# Grading summary", ""]
    if not sandboxed:
        lines += [f"> **{UNSANDBOXED}**", ""]
    lines += [f"{len(graded)} notebook(s) from {len(learners)} learner(s)."]
    if seed is not None:
        lines += [f"Seed of the hidden cases: {seed} (`--seed {seed}` grades the same submissions the same way)."]
    incomplete = [f"{g.learner}/{g.notebook}" for g in graded if not g.complete]
    if incomplete:
        lines += [f"Not final (time ran out or a process died; graded again next run): {', '.join(incomplete)}."]
    lines += [""]
    lines += ["| exercise | passed | most common recognised mistakes |", "|---|---|---|"]
    for exercise in order:
        common = "; ".join(f"{m}: {n}" for m, n in mistakes[exercise].most_common(top)) or "-"
        lines.append(f"| {exercise} | {passed[exercise]} / {total[exercise]} | {common.replace('|', '/')} |")
    if copies is not None:
        lines += [""] + copy_lines(copies)
    if ignored:
        lines += ["", f"Ignored files ({len(ignored)}):", ""] + [f"- {name}" for name in ignored]
    return "\n".join(lines) + "\n"


def write_all(graded: list[Graded], ignored: list[str], out: Path, *, seed=None, sandboxed=True, copies=None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    write_csv(graded, out / "grades.csv")
    write_feedback(graded, out / "feedback")
    text = summary_text(graded, ignored, seed=seed, sandboxed=sandboxed, copies=copies)
    (out / "summary.md").write_text(text, encoding="utf-8")
