"""Sealed grading, proven by attacks: a hostile class of real notebook-01 submissions graded by `python -m course grade`.

The grader runs as a subprocess with a home, a working folder and a secret of its own; every cheat scores 0 on what
it cheats, an attacker graded first leaves nothing that reaches the honest victim graded after it, nothing outside
OUT changes, the secret appears in no output, and two renamed copies are reported as a pair.
"""

import csv
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

from course.grader import sandbox
from course.grader.shared import read_plain_file

sys.path.insert(0, str(Path(__file__).parent))
from submissions import filled, write  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NB = "01_perceptron.ipynb"
SECRET = "grader-secret-7f3a9c"
EVERY = {"step", "perceptron_predict", "perceptron_update", "train_perceptron", "accuracy"}

CHEATS = {  # learner: (the cell that replaces `step`, extra cells after Setup)
    "cheat_wraps_reference": (
        "def step(z):\n    return course.reference('perceptron.step')(np.asarray(z))",
        ("import course",),
    ),
    "cheat_imports_reference": ("from course.references.perceptron import step", ()),
    "cheat_reads_solutions": (
        "import json, pathlib, course\n"
        "cells = json.loads((pathlib.Path(course.__file__).parents[1] / 'solutions' / '01_perceptron.ipynb').read_text())\n"
        "exec(next(''.join(c['source']) for c in cells['cells'] if 'def step(' in ''.join(c['source'])))",
        (),
    ),
    "cheat_execs_reference_source": (
        "import pathlib, course\nexec((pathlib.Path(course.__file__).parent / 'references' / 'perceptron.py').read_text())",
        (),
    ),
}

ATTACK = """
import os, pathlib, time
home, here = pathlib.Path.home(), pathlib.Path.cwd()
startup = home / ".ipython" / "profile_default" / "startup"  # start-up files: every later kernel would exit
startup.mkdir(parents=True, exist_ok=True)
(startup / "00-x.py").write_text("import os\\nos._exit(3)\\n")
for folder in {here, home, pathlib.Path(os.environ.get("OLDPWD", "/")), pathlib.Path(os.environ.get("PWD", "/"))}:
    for module in ("keras.py", "numpy.py", "course.py", "sitecustomize.py"):  # modules planted for the grader
        try:
            (folder / module).write_text("import os\\nos._exit(4)\\n")
        except OSError:
            pass
for folder in (here, home, pathlib.Path("/tmp")):  # FIFOs where a model or a reply would be read
    for name in ("model.keras", "model-1-1.keras", "request-1.json.reply"):
        try:
            os.mkfifo(folder / name)
        except OSError:
            pass
if os.fork() == 0:  # a daemon that outlives the notebook, if it can
    os.setsid()
    if os.fork() == 0:
        while True:
            for folder in (here, home):
                try:
                    (folder / "startup-again.py").write_text("import os\\nos._exit(5)\\n")
                except OSError:
                    pass
            time.sleep(0.2)
    os._exit(0)
for folder in (here, home, pathlib.Path("/tmp")):  # fills every disk it can write, file after file
    try:
        for i in range(1000):
            with open(folder / f"fill-{i}", "wb") as f:
                for _ in range(64):
                    f.write(b"\\0" * 2**20)
    except OSError:
        pass
children = 0
for _ in range(2000):  # forks until the process limit says no (the children stay)
    try:
        pid = os.fork()
    except BaseException:
        break
    if pid == 0:
        time.sleep(3600)
        os._exit(0)
    children += 1
"""
ATTACK_STEP = """
def step(z):
    import os
    raise ValueError("leaked: " + leaked + " " + os.environ.get("GRADER_SECRET", ""))
"""
LEAK = """
import os
leaked = " ".join(f"{k}={v}" for k, v in os.environ.items())  # the environment, sent back every way it can
print(leaked)
for pid in os.listdir("/proc"):
    try:
        leaked += open(f"/proc/{pid}/environ").read()
    except OSError:
        pass
raise RuntimeError("the environment: " + leaked)
"""

COPY = '''
def train_perceptron(X, y, lr, epochs):
    """Perceptron rule from zero weights; returns (w, b, mistakes per epoch)."""
    # start from nothing, then sweep the data epochs times
    weights = np.zeros(X.shape[1])
    bias = 0.0
    history = []
    for epoch in range(epochs):
        errors_this_epoch = 0
        order = np.arange(len(X))
        for index in order:
            sample, target = X[index], y[index]
            guess = int(sample @ weights + bias > 0)
            if guess != target:
                errors_this_epoch = errors_this_epoch + 1
            delta = lr * (target - guess)
            weights = weights + delta * sample
            bias = bias + delta
        history.append(errors_this_epoch)
    return weights, bias, history
'''
RENAMED = '''
def train_perceptron(X, y, lr, epochs):
    """Trains the perceptron."""
    # my own version
    w_vec = np.zeros(X.shape[1])
    offset = 0.0
    counts = []
    for e in range(epochs):
        n_wrong = 0
        idx = np.arange(len(X))
        for k in idx:
            xk, yk = X[k], y[k]
            pred = int(xk @ w_vec + offset > 0)
            if pred != yk:
                n_wrong = n_wrong + 1
            d = lr * (yk - pred)
            w_vec = w_vec + d * xk
            offset = offset + d
        counts.append(n_wrong)
    return w_vec, offset, counts
'''


def replaying_step() -> str:
    """A cheat's `step`: a table of the visible cases' inputs and outputs, recorded here from the course's answer."""
    from course.grading import engine

    answer, table = engine.reference_answer("perceptron.step"), {}

    def recorder(z):
        table[repr(np.asarray(z).tolist())] = out = answer(z)
        return out

    assert engine.grade("perceptron.step", recorder).passed  # the visible cases only
    rows = {k: np.asarray(v).tolist() for k, v in table.items()}
    return f"TABLE = {rows!r}\n\ndef step(z):\n    return np.array(TABLE.get(repr(np.asarray(z).tolist()), 0))"


def snapshot(*folders: Path, skip: tuple[Path, ...] = ()) -> dict:
    """Every file under `folders` (but `skip`) with its size, modification time and hash."""
    found = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if any(path.is_relative_to(s) for s in skip) or not path.is_file() or path.is_symlink():
                continue
            stat = path.stat()
            found[str(path)] = (stat.st_size, stat.st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest())
        found[str(folder)] = sorted(p.name for p in folder.iterdir() if p not in skip)
    return found


def survivors(marker: str, wait: float = 10.0) -> list[str]:
    """Processes whose command line names `marker` (the grader's temporary folder: every kernel's and every process
    a kernel forked), once the kernel has had `wait` seconds to reap what the last sandbox's SIGKILL ended."""
    deadline = time.monotonic() + wait
    while (left := _named(marker)) and time.monotonic() < deadline:
        time.sleep(0.5)
    return left


def _named(marker: str) -> list[str]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if marker in command and "pytest" not in command:
            found.append(f"{pid}: {command[:200]}")
    return found


@pytest.mark.skipif(sandbox.problem() is not None, reason=f"no sandbox here: {sandbox.problem()}")
def test_a_hostile_class_is_sealed(tmp_path):
    home, cwd, submitted = tmp_path / "home", tmp_path / "cwd", tmp_path / "in"
    temporary = Path(tempfile.mkdtemp(prefix="sealed-", dir="/tmp"))  # short: kernels' socket paths hold ~100 bytes
    for folder in (home, cwd):
        folder.mkdir()
        (folder / "notes.txt").write_text("the instructor's file")
    out = cwd / "OUT"
    write(submitted, "a_attacker", NB, filled(NB, {"step": ATTACK_STEP}, (LEAK, ATTACK)))
    for learner, (step, extra) in CHEATS.items():
        write(submitted, learner, NB, filled(NB, {"step": step}, extra))
    write(submitted, "cheat_replays_visible_cases", NB, filled(NB, {"step": replaying_step()}))
    write(submitted, "copy_a", NB, filled(NB, {"train_perceptron": COPY}))
    write(submitted, "copy_b", NB, filled(NB, {"train_perceptron": RENAMED}))
    write(submitted, "z_victim", NB, filled(NB))
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "PYTHONPATH": str(ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
        "COURSE_DATA_DIR": os.environ.get("COURSE_DATA_DIR", ""),
        "GRADER_SECRET": SECRET,
        "TMPDIR": str(temporary),  # every kernel's command line names it
    }
    before = snapshot(home, cwd, ROOT, skip=(out, ROOT / ".git"))
    grader = subprocess.run(
        [
            sys.executable,
            "-m",
            "course",
            "grade",
            str(submitted),
            "--out",
            str(out),
            "--workers",
            "1",
            "--timeout",
            "60",
        ],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert grader.returncode == 0, grader.stderr[-2000:]
    assert snapshot(home, cwd, ROOT, skip=(out, ROOT / ".git")) == before  # nothing changed but OUT
    assert survivors(str(temporary)) == []  # no daemon, no forked child outlived its sandbox
    assert not list(temporary.glob("course-grade-*"))  # every submission's folders were thrown away
    shutil.rmtree(temporary)

    outputs = grader.stdout + grader.stderr + "".join(p.read_text() for p in out.rglob("*") if p.is_file())
    assert SECRET not in outputs and "GRADER_SECRET" not in outputs
    assert "code cell 2 raised RuntimeError: the environment: " in (out / "feedback" / "a_attacker.md").read_text()

    rows = list(csv.DictReader(open(out / "grades.csv", encoding="utf-8")))
    passed = {r["learner"]: set() for r in rows}
    feedback = {(r["learner"], r["exercise"].split(".")[1]): r["feedback"] for r in rows}
    for r in rows:
        if r["score"] == r["max_score"]:
            passed[r["learner"]].add(r["exercise"].split(".")[1])
    assert passed["z_victim"] == EVERY  # graded after the attacker, with full marks
    for learner in [*CHEATS, "cheat_replays_visible_cases"]:
        assert "step" not in passed[learner], feedback[learner, "step"]
    assert "uses the course's reference answer" in feedback["cheat_wraps_reference", "step"]
    assert passed["cheat_wraps_reference"] == EVERY - {"step"}  # its other answers are its own
    assert passed["copy_a"] == passed["copy_b"] == EVERY

    summary = (out / "summary.md").read_text()
    assert "| 01_perceptron.ipynb | copy_a, copy_b |" in summary
    pair = next(line for line in summary.splitlines() if "copy_a, copy_b" in line)
    assert "train_perceptron" in pair
    assert "Seed of the hidden cases:" in summary and "without the sandbox" not in summary


def test_a_reply_or_model_file_is_read_only_if_plain(tmp_path):
    fifo = tmp_path / "model-1-1.keras"
    os.mkfifo(fifo)
    with pytest.raises(ValueError):
        read_plain_file(fifo, 100)  # at once: a FIFO never blocks the grader
    (tmp_path / "secret").write_text("the grader's file")
    (tmp_path / "reply").symlink_to(tmp_path / "secret")
    with pytest.raises(OSError):
        read_plain_file(tmp_path / "reply", 100)  # never through a link the kernel planted
    (tmp_path / "big").write_bytes(b"x" * 101)
    with pytest.raises(ValueError):
        read_plain_file(tmp_path / "big", 100)


def test_no_sandbox_is_said_on_top_of_the_summary(tmp_path):
    from course.grader import report
    from course.grader.submission import Graded, Row

    graded = [Graded("ada", NB, [Row("ada", NB, "perceptron.step", 1.0, 1.0, "✓")], [])]
    text = report.summary_text(graded, [], seed=7, sandboxed=False, copies=[])
    assert text.splitlines()[2].startswith("> **Graded without the sandbox") and "--seed 7" in text


def test_grade_stops_with_one_line_without_a_sandbox(tmp_path, monkeypatch, capsys):
    from course.__main__ import main

    write(tmp_path / "in", "ada", NB, filled(NB))
    monkeypatch.setattr(
        sandbox, "problem", lambda: "bubblewrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)"
    )
    assert main(["grade", str(tmp_path / "in"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "bubblewrap is not installed" in err and "--no-sandbox" in err
    assert not (tmp_path / "out" / "grades.csv").exists()
