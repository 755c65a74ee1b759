"""Build learners' notebooks from the solutions: an ordered pipeline of small transforms.

Solution regions use nbgrader's markers, so `solutions/` also feeds nbgrader unchanged:

    ### BEGIN SOLUTION            ->   # YOUR CODE HERE
    ...the solution...                 raise NotImplementedError()
    ### END SOLUTION
"""

from __future__ import annotations

from pathlib import Path

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
CODE_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
MARKDOWN_STUB = ("YOUR ANSWER HERE",)
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


class BuildError(ValueError):
    """A solution notebook's markers are malformed."""


def strip_solutions(nb: dict, name: str) -> None:
    """Replace every BEGIN/END SOLUTION region with the stub, keeping the region's indentation."""
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] not in ("code", "markdown"):
            continue
        stub = CODE_STUB if cell["cell_type"] == "code" else MARKDOWN_STUB
        kept, start = [], None
        for line in cell["source"].split("\n"):
            marker = line.strip()
            if marker == BEGIN:
                if start is not None:
                    raise BuildError(f"{name}, cell {index}: nested '{BEGIN}'")
                start = line[: len(line) - len(line.lstrip())]
                kept.extend(start + s for s in stub)
            elif marker == END:
                if start is None:
                    raise BuildError(f"{name}, cell {index}: '{END}' without '{BEGIN}'")
                start = None
            elif start is None:
                kept.append(line)
        if start is not None:
            raise BuildError(f"{name}, cell {index}: '{BEGIN}' is never closed")
        cell["source"] = "\n".join(kept)


def clear_outputs(nb: dict, name: str) -> None:
    """Learners start from a clean notebook: no outputs, no execution counts."""
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None


def drop_test_markers(nb: dict, name: str) -> None:
    """Remove nbval's `# NBVAL_...` comment lines: they are for CI, not for learners."""
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            lines = cell["source"].split("\n")
            cell["source"] = "\n".join(line for line in lines if not line.lstrip().startswith("# NBVAL_"))


def normalise_metadata(nb: dict, name: str) -> None:
    """Keep only what a learner's notebook needs: the kernel, cell ids and cell tags."""
    nb["metadata"] = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    nb["nbformat"], nb["nbformat_minor"] = 4, 5
    for index, cell in enumerate(nb["cells"]):
        tags = cell.get("metadata", {}).get("tags")
        cell["metadata"] = {"tags": tags} if tags else {}
        cell.setdefault("id", f"cell-{index}")
        if cell["cell_type"] != "code":
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
            if not cell.get("attachments"):
                cell.pop("attachments", None)


PIPELINE = (strip_solutions, clear_outputs, drop_test_markers, normalise_metadata)


def mark_for_nbgrader(nb: dict, name: str) -> None:
    """nbgrader's cell metadata: each exercise cell a solution cell, each `check(fn)` cell a locked autograded test
    worth the exercise's points (nbgrader runs it with NBGRADER_EXECUTION=autograde, where a failed check raises)."""
    from course.grading import registry
    from course.grading.cells import check_calls

    topic = registry.NOTEBOOK_TOPICS.get(name[:2])
    points = {e: registry.exercise(e).points for e in registry.exercises() if e.startswith(f"{topic}.")}
    for cell in nb["cells"]:
        source = cell["source"]
        if BEGIN in source:
            cell["metadata"]["nbgrader"] = {
                "grade": False,
                "grade_id": f"{name[:2]}-{cell.get('id', '')}",
                "locked": False,
                "schema_version": 3,
                "solution": True,
            }
        calls = check_calls(source) if cell["cell_type"] == "code" else []
        called = calls[0].exercise(topic) if len(calls) == 1 else None
        if cell["cell_type"] == "code" and called in points:
            cell["metadata"]["nbgrader"] = {
                "grade": True,
                "grade_id": f"check-{called.split('.')[1]}",
                "locked": True,
                "points": points[called],
                "schema_version": 3,
                "solution": False,
            }


def nbgrader_source(solution: Path, target: Path) -> None:
    """A solution notebook as nbgrader's source: unchanged but for nbgrader's metadata on exercise and check cells."""
    import nbformat

    nb = nbformat.read(solution, as_version=4)
    for cell in nb.cells:
        cell["source"] = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    mark_for_nbgrader(nb, solution.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)


def build_text(solution: Path) -> str:
    """The learner's notebook built from one solution notebook, as the exact text to write."""
    import nbformat

    nb = nbformat.read(solution, as_version=4)
    for cell in nb.cells:  # nbformat may hold sources as lists; work on plain strings
        cell["source"] = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    for transform in PIPELINE:
        transform(nb, solution.name)
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


def build(solutions: Path, notebooks: Path, *, check: bool = False) -> list[str]:
    """Write (or, with check, compare) every learner's notebook; return the names out of date."""
    stale = []
    sources = sorted(solutions.glob("*.ipynb"))
    for solution in sources:
        target = notebooks / solution.name
        text = build_text(solution)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            stale.append(solution.name)
            if not check:
                notebooks.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
    extra = sorted({p.name for p in notebooks.glob("*.ipynb")} - {s.name for s in sources})
    stale += [f"{name} (has no solution notebook)" for name in extra]
    return stale
