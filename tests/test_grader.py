"""The batch grader: discovery, transport, a kernel round trip, and a whole class of real and hostile submissions."""

import csv
import json
import math
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from course.checks import kit
from course.grader import report, sandbox, transport
from course.grader.discover import discover
from course.grader.kernel import Kernel
from course.grader.remote import RemoteFunction, decode_reply
from course.grading import limits
from course.grading.cells import is_check_cell

sys.path.insert(0, str(Path(__file__).parent))
from submissions import filled, perceptron_class, write  # noqa: E402

# --- quick: no kernel -------------------------------------------------------------------------------------------


def roundtrip(value):
    return transport.decode(transport.loads(transport.dumps(transport.encode(value))))


def test_transport_round_trip_of_plain_data():
    value = (
        np.arange(12.0).reshape(3, 4),
        np.array(3),
        np.array([True, False]),
        np.float32(1.5),
        7,
        2**70,
        -0.25,
        float("nan"),
        float("inf"),
        None,
        "text",
        [1, (2.0, [None])],
        {"a": 1, 3: np.zeros(2)},
    )
    back = roundtrip(value)
    assert isinstance(back, tuple) and len(back) == len(value)
    assert back[0].shape == (3, 4) and back[0].dtype == float and np.array_equal(back[0], value[0])
    assert back[1].shape == () and back[1] == 3
    assert back[2].dtype == bool and back[3] == np.float32(1.5)
    assert back[4:7] == (7, 2**70, -0.25)
    assert math.isnan(back[7]) and back[8] == float("inf") and back[9] is None and back[10] == "text"
    assert back[11] == [1, (2.0, [None])] and isinstance(back[11][1], tuple)
    assert back[12]["a"] == 1 and np.array_equal(back[12][3], np.zeros(2))


def test_transport_keeps_generators_and_never_unpickles():
    rng = np.random.default_rng(0)
    rng.random(3)
    again = roundtrip(rng)
    assert again.random() == rng.random()
    opaque = roundtrip(np.array([object()], dtype=object))  # an object array is never sent as .npy
    assert isinstance(opaque, limits.Opaque) and opaque.type_name == "ndarray"
    import base64
    import io
    import pickle

    buffer = io.BytesIO()
    np.save(buffer, np.array([{"x": 1}], dtype=object), allow_pickle=True)
    hostile = {"npy": base64.b64encode(buffer.getvalue()).decode()}
    with pytest.raises(ValueError):
        transport.decode(hostile)
    with pytest.raises(ValueError):
        transport.decode({"generator": {"bit_generator": "os.system"}})
    assert pickle  # imported only to build the hostile payload's format


def test_discover_both_layouts_and_lists_other_files(tmp_path):
    nb = nbformat.v4.new_notebook()
    write(tmp_path / "plain", "ada", "01_perceptron.ipynb", nb)
    write(tmp_path / "plain", "ada", "03_convolution.ipynb", nb)
    write(tmp_path / "plain", "ben", "perceptron.ipynb", nb)
    write(tmp_path / "nbg" / "submitted" / "cy", "week1", "01_perceptron.ipynb", nb)
    (tmp_path / "plain" / "grades.xlsx").write_text("x")
    found, ignored = discover(tmp_path / "plain")
    assert [(s.learner, s.notebook) for s in found] == [("ada", "01_perceptron.ipynb"), ("ada", "03_convolution.ipynb")]
    assert sorted(ignored) == ["ben/perceptron.ipynb", "grades.xlsx"]
    found, ignored = discover(tmp_path / "nbg")
    assert [(s.learner, s.notebook) for s in found] == [("cy", "01_perceptron.ipynb")] and ignored == []


def test_check_cells_are_recognised():
    assert is_check_cell("check(step)") and is_check_cell("# run me\ncourse.check(model, 'cnn.trained_model')")
    assert not is_check_cell("result = check(step)\nprint(result)") and not is_check_cell("def step(z):\n    ...")


def test_summary_counts_recognised_mistakes():
    from course.grader.submission import Graded, Row

    rows = [
        Row(name, "02_backprop.ipynb", "backprop.softmax", 0.0, 1.0, "✗", "summed over the wrong axis")
        for name in ("a", "b")
    ]
    rows.append(Row("c", "02_backprop.ipynb", "backprop.softmax", 1.0, 1.0, "✓"))
    text = report.summary_text([Graded(r.learner, r.notebook, [r], []) for r in rows], ["x.txt"])
    assert "| backprop.softmax | 1 / 3 | summed over the wrong axis: 2 |" in text and "- x.txt" in text


def test_a_failed_exercise_names_the_failed_exercise_it_uses_as_check_does():
    from course.grader.submission import Row, _fix_first

    def row(name, score, feedback="✗ its own mistake"):
        return Row("a", "02_backprop.ipynb", f"backprop.{name}", score, 1.0, feedback, "own")

    rows = [row("dense_backward", 1.0, "✓"), row("mlp_backward", 0.0), row("train_epoch", 0.0)]
    fixed = _fix_first(rows, skipped=set())
    assert fixed[1].feedback == "✗ its own mistake"  # mlp_backward's own uses passed: its own feedback stays
    assert fixed[2].feedback.startswith("✗ backprop.train_epoch: your `mlp_backward` fails its own check: fix it")
    assert fixed[2].mistake == "mlp_backward fails its own check"
    rows = [row("dense_backward", 0.0), row("mlp_backward", 0.0), row("train_epoch", 0.0)]
    assert "your `dense_backward` fails" in _fix_first(rows, skipped=set())[2].feedback  # the earliest cause
    rows = [row("mlp_backward", 0.0, "✗ the course's reference"), row("train_epoch", 0.0)]
    assert _fix_first(rows, skipped={"backprop.mlp_backward"})[1].feedback == "✗ its own mistake"  # skipped: runs right


def test_cli_reports_a_grader_that_cannot_run(tmp_path, capsys):
    from course.__main__ import main

    assert main(["grade", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "is not a folder" in err
    (tmp_path / "empty").mkdir()
    assert main(["grade", str(tmp_path / "empty"), "--out", str(tmp_path / "out")]) == 2


def test_cli_grades_unreadable_notebooks_without_a_kernel(tmp_path, capsys):
    from course.__main__ import main

    write(tmp_path / "in", "zoe", "02_backprop.ipynb", "{ not json")
    assert main(["grade", str(tmp_path / "in"), "--out", str(tmp_path / "out")]) == 0
    rows = list(csv.DictReader(open(tmp_path / "out" / "grades.csv", encoding="utf-8")))
    assert rows and all(r["score"] == "0" and "could not be read" in r["feedback"] for r in rows)
    assert {r["exercise"] for r in rows} == {e for e in __import__("course").exercises() if e.startswith("backprop.")}


# --- slow: real kernels ------------------------------------------------------------------------------------------

ROUND_TRIP = """
import itertools, time
import keras
import numpy as np

def values(x):
    return x * 2, float(x.sum()), (1, [2, None]), float("nan")

def mutates(x):
    x += 1
    return x

def sleeps(x):
    while True:
        time.sleep(0.01)

def c_loop(x):
    return sum(itertools.count())

def raises(x):
    raise ValueError("no luck")

def model(x):
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])

def hog(x):
    return len(bytearray(8 << 30))

def interfaces(x):
    import socket
    return [name for _, name in socket.if_nameindex()]

def seen(x):
    import os, pathlib
    from course import data
    from course.data import photos
    return {
        "cwd": os.getcwd(), "home": os.environ.get("HOME"), "pwd": os.environ.get("PWD"),
        "oldpwd": os.environ.get("OLDPWD"), "uid": os.getuid(), "environment": sorted(os.environ),
        "pids": len([p for p in os.listdir("/proc") if p.isdigit()]),
        "references": os.listdir(pathlib.Path(data.__file__).parents[1] / "references"),
        "solutions": os.path.exists(pathlib.Path(data.__file__).parents[2] / "solutions"),
        "test labels": data.load_mnist()[1][1] is None, "test images": len(data.load_mnist()[1][0]),
        "labels file": os.path.exists(os.environ["COURSE_DATA_DIR"] + "/mnist/t10k-labels-idx1-ubyte.gz"),
        "home files": os.listdir(os.environ["HOME"]), "work files": os.listdir("."),
    }
"""
ALLOWED = set(sandbox.environment(threads=1, notebook="", extra={"COURSE_REFERENCE_SOCKET": ""}))


def test_remote_round_trip_through_a_kernel(monkeypatch):
    monkeypatch.setenv("GRADER_SECRET", "the grader's own")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(ROUND_TRIP), nbformat.v4.new_code_cell("check(x)")])
    x = kit.Given("numpy:arange", 3.0, name="x")
    with Kernel(nb, "01_perceptron.ipynb", timeout=120) as kernel:
        doubled, total, nested, nan = kit.call(RemoteFunction(kernel, "values"), x)
        assert np.array_equal(doubled, [0.0, 2.0, 4.0]) and total == 3.0 and nested == (1, [2, None])
        assert math.isnan(nan)
        with pytest.raises(kit.Mutated):
            kit.call(RemoteFunction(kernel, "mutates"), x)
        with pytest.raises(kit.Raised, match="MemoryError"):  # the kernel's memory limit, not the machine's
            kit.call(RemoteFunction(kernel, "hog"), x)
        with pytest.raises(kit.Raised, match="ValueError: no luck"):
            kit.call(RemoteFunction(kernel, "raises"), x)
        outcome = RemoteFunction(kernel, "sleeps").run_call((x,), time_limit=1.0)
        assert outcome.status == "timeout"
        built = kit.call(RemoteFunction(kernel, "model"), x)
        assert type(built).__name__ == "Sequential" and built.count_params() == 8
        wrapped = kit.call(RemoteFunction(kernel, "values"), np.ones(2), wrap="course.checks.adapters:loop_count")
        assert wrapped[0][1] == 2.0 and wrapped[1] >= 1  # the adapter ran in the kernel, around the learner's function
        with pytest.raises(kit.Raised):  # the agent resolves only functions of numpy and course
            kit.call(RemoteFunction(kernel, "values"), np.ones(2), wrap="builtins:eval")
        assert kit.call(RemoteFunction(kernel, "interfaces"), x) == ["lo"]  # a network namespace of its own
        view = kit.call(RemoteFunction(kernel, "seen"), x)  # what the sandbox leaves a kernel to see
        assert view["cwd"] == view["pwd"] == "/submission" and view["home"] == "/home/learner" and view["uid"] != 0
        assert view["oldpwd"] is None and view["pids"] <= 3  # bwrap's init, the kernel and what it started
        assert "GRADER_SECRET" not in view["environment"] and ALLOWED <= set(view["environment"])
        assert view["references"] == [] and not view["solutions"] and not view["labels file"]
        assert view["test labels"] and view["test images"] == 10_000
        assert (
            set(view["home files"]) <= {".ipython", ".cache", ".config", ".keras", ".local"} and not view["work files"]
        )
        kernel.margin = 2  # a loop in C ignores the in-kernel limits: the grader kills the kernel
        outcome = RemoteFunction(kernel, "c_loop").run_call((x,), time_limit=1.0)
        assert outcome.status == "timeout" and kernel.client is None
        assert kit.call(RemoteFunction(kernel, "values"), x)[1] == 3.0  # a fresh kernel ran the notebook again
        assert decode_reply(kernel, {"tuple": [1, {"float": "nan"}]})[0] == 1
        with pytest.raises(ValueError):
            decode_reply(kernel, {"keras": "../../elsewhere.keras"})


def test_a_class_of_real_and_hostile_submissions(tmp_path):
    from course.grader.run import grade_class

    expected = perceptron_class(tmp_path / "in")
    graded, ignored, fresh = grade_class(tmp_path / "in", tmp_path / "out", workers=2, timeout=45, progress=False)
    assert fresh == len(expected) and sorted(ignored) == ["README.md", "ada/notes.txt"]
    with open(tmp_path / "out" / "grades.csv", encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        assert next(reader) == ["learner", "notebook", "exercise", "score", "max_score", "feedback"]
        rows = list(reader)
    assert len(rows) == 5 * len(expected)
    passed = {learner: set() for learner in expected}
    feedback = {}
    for learner, notebook, exercise, score, max_score, text in rows:
        assert notebook == "01_perceptron.ipynb" and max_score == "1"
        if score == "1":
            passed[learner].add(exercise.split(".")[1])
        feedback[learner, exercise.split(".")[1]] = text
    assert passed == expected
    assert "course's reference" in feedback["dee", "step"]
    assert "use >, not >=" in feedback["replaces_grade", "step"]
    assert "kernel died" in feedback["exits", "accuracy"]
    assert (
        "did not finish within 45 s and was interrupted" in (tmp_path / "out" / "feedback" / "endless.md").read_text()
    )
    assert "exit" in feedback["exits_in_step", "step"] or "died" in feedback["exits_in_step", "step"]
    assert "could not be read" in feedback["invalid_json", "step"] and "could not be read" in feedback["empty", "step"]
    assert "defines no `step`" in feedback["renamed", "step"]
    assert {p.stem for p in (tmp_path / "out" / "feedback").glob("*.md")} == set(expected)
    assert "## 01_perceptron.ipynb: 5 / 5" in (tmp_path / "out" / "feedback" / "ada.md").read_text()
    summary = (tmp_path / "out" / "summary.md").read_text()
    assert "| perceptron.step | 3 / 17 | the perceptron fires only when z > 0" in summary

    incomplete = {g.learner for g in graded if not g.complete}  # time ran out or the kernel died: not final
    assert incomplete == {"exits", "exits_in_step", "endless"} and "Not final" in summary

    # Again: only the incomplete ones are graded again; then one notebook changed, and only it is graded again.
    kept = json.loads((tmp_path / "out" / ".grades-cache.json").read_text())
    assert {name.split("/")[0] for name in kept} == set(expected) - incomplete  # the next run grades them again
    for learner in incomplete:
        (tmp_path / "in" / learner / "01_perceptron.ipynb").unlink()
    assert grade_class(tmp_path / "in", tmp_path / "out", workers=2, timeout=45, progress=False)[2] == 0
    write(tmp_path / "in", "cal", "01_perceptron.ipynb", filled("01_perceptron.ipynb"))
    graded, _, fresh = grade_class(tmp_path / "in", tmp_path / "out", workers=2, timeout=45, progress=False)
    assert fresh == 1 and sum(r.score for g in graded if g.learner == "cal" for r in g.rows) == 5


CHEAT = '''
import keras, numpy as np
from course import data

class Cheat(keras.Sequential):
    """Reports the test labels instead of predicting: passes in the learner's kernel, not here."""
    def predict(self, x, **kwargs):
        return np.eye(10)[data.load_mnist()[1][1][: len(x)]]

trained_model = Cheat([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10)])
'''
LAMBDA = """
import keras
trained_model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Lambda(lambda x: x * 0),
                                  keras.layers.Flatten(), keras.layers.Dense(10)])
"""
UNTRAINED = """
import keras
keras.utils.set_random_seed(0)
trained_model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10)])
"""


def test_a_model_answer_travels_as_a_keras_file_loaded_safely(tmp_path, monkeypatch):
    from course.grader import evaluator
    from course.grader.submission import grade_notebook

    evaluated, grade_model = [], evaluator.grade_model
    monkeypatch.setattr(evaluator, "grade_model", lambda *a, **k: evaluated.append(a[0]) or grade_model(*a, **k))

    rows = {}
    for learner, source in (("cheat", CHEAT), ("lambda", LAMBDA), ("untrained", UNTRAINED)):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
        path = write(tmp_path, learner, "04_cnn.ipynb", nb)
        graded = grade_notebook(path, learner, timeout=120)
        rows[learner] = {r.exercise: r for r in graded.rows}
        assert {r.exercise for r in graded.rows} == {e for e in __import__("course").exercises() if e[:4] == "cnn."}
        assert "defines no `build_lenet`" in rows[learner]["cnn.build_lenet"].feedback
    assert all(rows[learner]["cnn.trained_model"].score == 0 for learner in rows)
    assert "could not be loaded safely" in rows["cheat"]["cnn.trained_model"].feedback
    assert "could not be loaded safely" in rows["lambda"]["cnn.trained_model"].feedback
    assert rows["untrained"]["cnn.trained_model"].mistake == "untrained"
    assert evaluated == ["cnn.trained_model"] * 3  # each model loaded and scored by the evaluator process
