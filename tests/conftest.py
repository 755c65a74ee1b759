"""Shared test setup: never download, keep TensorFlow quiet, draw off-screen; read functions from notebooks."""

import ast
import json
import os
import tempfile
from pathlib import Path

os.environ.setdefault("COURSE_OFFLINE", "1")  # no test downloads anything
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("COURSE_PROGRESS", os.path.join(tempfile.mkdtemp(prefix="course-test-"), "progress.json"))

ROOT = Path(__file__).resolve().parents[1]


def notebook_function(notebook: str, name: str, folder: str = "solutions"):
    """The function `name` as a notebook defines it, with the notebook's imports and its other functions.

    Only imports and `def`s are executed, so the test uses the solution exactly as written in the
    notebook (or the stub, from the learners' copy in `notebooks/`) without running the notebook.
    """
    cells = json.loads((ROOT / folder / notebook).read_text(encoding="utf-8"))["cells"]
    nodes = []
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
        for node in ast.parse("\n".join(lines)).body:
            if isinstance(node, ast.Import | ast.ImportFrom | ast.FunctionDef | ast.ClassDef):
                nodes.append(node)
    namespace: dict = {}
    exec(compile(ast.Module(body=nodes, type_ignores=[]), f"{folder}/{notebook}", "exec"), namespace)
    if name not in namespace:
        raise LookupError(f"{folder}/{notebook} defines no function {name!r}")
    return namespace[name]
