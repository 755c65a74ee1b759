"""A learner's progress across notebooks: every `check` records its latest result in a small JSON file.

The file lives outside the repository, in `$XDG_DATA_HOME/course/progress.json` (by default
`~/.local/share/course/progress.json`); set COURSE_PROGRESS to another file. Writes are atomic
(a temporary file moved over the old one) and serialised by a lock file (filelock, which locks on Windows
too), so two kernels checking at once both keep their results. An unreadable file is set aside as `*.corrupt` and progress
starts afresh, said once.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from course.grading.registry import NOTEBOOK_TOPICS, exercises

_warned: set[str] = set()


def location() -> Path:
    """The progress file: COURSE_PROGRESS, else the user's data folder."""
    if os.environ.get("COURSE_PROGRESS"):
        return Path(os.environ["COURSE_PROGRESS"]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "course" / "progress.json"


def _locked(file: Path):
    """An exclusive lock on `file`.lock, on every OS (filelock: fcntl on POSIX, msvcrt on Windows)."""
    from filelock import FileLock

    file.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(file.with_name(file.name + ".lock"))


def load(file: Path | None = None) -> dict[str, dict]:
    """Exercise id -> {"passed", "tries", "score", "max_score", "time"}; {} for a missing or unreadable file."""
    file = file or location()
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        entries = data["exercises"]
        if not isinstance(entries, dict) or not all(isinstance(v, dict) for v in entries.values()):
            raise ValueError("not a progress file")
        return entries
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, KeyError, TypeError):
        if str(file) not in _warned:
            _warned.add(str(file))
            print(f"(course: the progress file {file} was unreadable; starting afresh, the old one kept as .corrupt)")
        try:
            os.replace(file, file.with_name(file.name + ".corrupt"))
        except OSError:
            pass
        return {}


def record(result, file: Path | None = None) -> None:
    """Store `result` (a grading Result) as the latest of its exercise; re-reads the file under the lock to merge."""
    if result.exercise not in exercises():
        return  # "?" or an unknown id: nothing to record

    def update(previous: dict) -> dict:
        return {
            **previous,
            "passed": bool(result.passed),
            "tries": int(previous.get("tries", 0)) + 1,
            "score": result.score,
            "max_score": result.max_score,
            "time": time.strftime("%Y-%m-%d %H:%M:%S"),
        }

    _update(result.exercise, update, file)


def record_help(exercise_id: str, *, hint: int = 0, solution: bool = False, file: Path | None = None) -> None:
    """Note that the learner read hint `hint` (the highest level is kept) or the solution of an exercise."""
    if exercise_id not in exercises():
        return

    def update(previous: dict) -> dict:
        entry = {"passed": False, "tries": 0, **previous}
        entry["hints"] = max(int(previous.get("hints", 0)), hint)
        entry["solution"] = bool(previous.get("solution")) or solution
        return entry

    _update(exercise_id, update, file)


def _update(exercise_id: str, update, file: Path | None) -> None:
    """Replace an exercise's entry by update(previous entry), under the lock, written atomically."""
    file = file or location()
    with _locked(file):
        entries = load(file)
        entries[exercise_id] = update(entries.get(exercise_id, {}))
        fd, temporary = tempfile.mkstemp(dir=file.parent, prefix=file.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump({"version": 1, "exercises": entries}, f, indent=1, sort_keys=True)
            os.replace(temporary, file)
        except BaseException:
            os.unlink(temporary)
            raise


class Progress:
    """One row per exercise (notebook, exercise, status, tries) with totals; shows as a table in a notebook."""

    def __init__(self, entries: dict[str, dict]):
        topics = {t: n for n, t in NOTEBOOK_TOPICS.items()}
        self.rows = []
        for exercise in exercises():
            topic, name = exercise.split(".")
            entry = entries.get(exercise)
            tries = 0 if entry is None else int(entry.get("tries", 0))
            status = "passed" if entry and entry.get("passed") else "tried" if tries else "not started"
            helped = (
                "solution"
                if entry and entry.get("solution")
                else f"hint {entry['hints']}"
                if entry and entry.get("hints")
                else ""
            )
            self.rows.append((f"{topics[topic]} {topic}", name, status, tries, helped))

    def totals(self) -> dict[str, int]:
        counts = {"passed": 0, "tried": 0, "not started": 0}
        for row in self.rows:
            counts[row[2]] += 1
        return counts

    def summary(self) -> str:
        t = self.totals()
        return f"{t['passed']} of {len(self.rows)} exercises passed, {t['tried']} tried, {t['not started']} not started"

    def __str__(self) -> str:
        lines = [f"{'notebook':16} {'exercise':26} {'status':12} {'tries':>5}  help"]
        lines += [
            f"{nb:16} {name:26} {status:12} {tries:>5}  {helped}" for nb, name, status, tries, helped in self.rows
        ]
        return "\n".join([*lines, self.summary()])

    __repr__ = __str__

    def _repr_html_(self) -> str:
        marks = {"passed": "✓ passed", "tried": "✗ tried", "not started": "· not started"}
        cells = "".join(
            f"<tr><td>{nb}</td><td><code>{name}</code></td><td>{marks[s]}</td><td>{n}</td><td>{helped}</td></tr>"
            for nb, name, s, n, helped in self.rows
        )
        head = "<tr><th>notebook</th><th>exercise</th><th>status</th><th>tries</th><th>help</th></tr>"
        return f"<table>{head}{cells}</table><p>{self.summary()}</p>"


def progress(file: Path | None = None) -> Progress:
    """The learner's progress table (`course.progress()` in a notebook)."""
    return Progress(load(file))
