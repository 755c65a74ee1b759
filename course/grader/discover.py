"""Find the submitted notebooks: `SUBMISSIONS/<learner>/<notebook>.ipynb`, or nbgrader's
`submitted/<learner>/<assignment>/<notebook>.ipynb`; every other file is listed as ignored."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from course.grading.registry import NOTEBOOK_TOPICS

NOTEBOOKS = tuple(f"{number}_{topic}.ipynb" for number, topic in NOTEBOOK_TOPICS.items())


@dataclass(frozen=True)
class Submission:
    learner: str
    notebook: str  # the course's file name, e.g. 01_perceptron.ipynb
    path: Path


def discover(root: Path) -> tuple[list[Submission], list[str]]:
    """The submissions under `root` in learner and notebook order, and the other files (relative paths)."""
    root = Path(root)
    base = root / "submitted" if (root / "submitted").is_dir() else root
    found: dict[tuple[str, str], Submission] = {}
    ignored: list[str] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(base).parts if path.is_relative_to(base) else ()
        learner = relative[0] if len(relative) in (2, 3) else None
        if learner and path.name in NOTEBOOKS and not learner.startswith(".") and ".ipynb_checkpoints" not in relative:
            key = (learner, path.name)
            if key in found:  # the same notebook in two assignments: grade one, say which is ignored
                ignored.append(f"{path.relative_to(root)} (a second copy of {learner}'s {path.name})")
                continue
            found[key] = Submission(learner, path.name, path)
        else:
            ignored.append(str(path.relative_to(root)))
    return [found[k] for k in sorted(found)], ignored
