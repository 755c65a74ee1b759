"""`python -m course doctor`: check one machine before the workshop room fills (offline, under 30 s)."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
LIBRARIES = ("tensorflow", "keras", "ipywidgets", "jupyterlab")
# Calibration: notebook 04's run time under `python -m course execute`, in training steps of the
# benchmark below, on the course's 2-core machine with nothing else running: 166 s at 49 ms per
# step, measured back to back, is 3,390 steps. The range allows the notebook to run 12 % faster or
# 25 % slower than the benchmark predicts (its cells other than training: plots, evaluation, tracing).
QUIET_SECONDS_04 = 166
STEPS_PER_NOTEBOOK_04 = (3000, 4250)
BENCHMARK = """
import os, time
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np, keras, course
course.use_cpus()
keras.utils.set_random_seed(0)
x = np.random.default_rng(0).random((128 * 16, 28, 28, 1), dtype=np.float32)
y = np.arange(len(x)) % 10
model = keras.Sequential([keras.Input((28, 28, 1)),  # notebook 04's LeNet, which does most of its training
    keras.layers.Conv2D(20, 5, padding="same", activation="relu"), keras.layers.MaxPooling2D(2),
    keras.layers.Conv2D(50, 5, padding="same", activation="relu"), keras.layers.MaxPooling2D(2),
    keras.layers.Flatten(), keras.layers.Dense(500, activation="relu"), keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x[:256], y[:256], batch_size=128, epochs=1, verbose=0)
start = time.perf_counter()
model.fit(x, y, batch_size=128, epochs=1, verbose=0)
print("step", (time.perf_counter() - start) / 16)
import ipywidgets
print("widget", ipywidgets.IntSlider(value=3).model_id)
"""


@dataclass
class Line:
    ok: bool
    text: str

    def __str__(self) -> str:
        return f"{'✓' if self.ok else '✗'} {self.text}"


def _version(text: str) -> tuple:
    return tuple(int(n) for n in re.findall(r"\d+", text)[:3])


def minimums(pyproject: Path = PYPROJECT) -> dict[str, str]:
    """Minimum versions of the course's dependencies (and Python), from pyproject.toml or the installed metadata."""
    try:
        import tomllib

        project = tomllib.loads(pyproject.read_text())["project"]
        requires, python = project["dependencies"], project["requires-python"]
    except (OSError, KeyError, ValueError):
        requires, python = metadata.requires("course") or [], metadata.metadata("course")["Requires-Python"]
    found = {"python": python.lstrip(">= ")}
    for requirement in requires:
        match = re.match(r"([A-Za-z0-9_.-]+)\s*>=\s*([\d.]+)", requirement)
        if match:
            found[match[1].lower()] = match[2]
    return found


def check_version(name: str, installed: str | None, minimum: str | None) -> Line:
    if installed is None:
        return Line(False, f"{name} is not installed: run `pip install -e .` in the course's folder")
    if minimum and _version(installed) < _version(minimum):
        return Line(False, f"{name} {installed} is older than the course needs ({minimum}): run `pip install -e .`")
    return Line(True, f"{name} {installed}" + (f" (>= {minimum})" if minimum else ""))


def versions() -> list[Line]:
    needed = minimums()
    python = ".".join(map(str, sys.version_info[:3]))
    lines = [check_version("Python", python, needed.get("python"))]
    for name in LIBRARIES:
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        lines.append(check_version(name, installed, needed.get(name)))
    return lines


def check_dataset(name: str) -> Line:
    """Every file of dataset `name` present and verified (no download), or the command that fetches it."""
    from course import data

    try:
        for f in data.files(name):
            data.path(f, download=False)
    except (OSError, data.ChecksumError) as e:
        reason = "differs from the course's copy" if isinstance(e, data.ChecksumError) else "missing"
        return Line(False, f"data {name}: {reason}; fetch it with `python -m course data download {name}`")
    first = data.files(name)[0]
    root = str(data.path(first, download=False))[: -len(first)]
    where = Path(root) / data.DATASETS[name].prefix
    return Line(True, f"data {name}: {len(data.files(name))} file(s) in {where}")


def predict(step_seconds: float) -> tuple[float, float]:
    """Notebook 04's run time range (seconds) from the benchmark's seconds per training step."""
    low, high = STEPS_PER_NOTEBOOK_04
    return low * step_seconds, high * step_seconds


def kernel_checks(timeout: float = 27.0) -> list[Line]:
    """Start a python3 kernel, build a widget in it and time a LeNet training step there (as notebook 04 trains)."""
    from jupyter_client.manager import start_new_kernel

    start = time.perf_counter()
    try:
        manager, client = start_new_kernel(kernel_name="python3", startup_timeout=timeout, stderr=subprocess.DEVNULL)
    except Exception as e:
        return [Line(False, f"a Jupyter kernel does not start ({type(e).__name__}: {e})")]
    lines = [Line(True, f"a Jupyter kernel starts ({time.perf_counter() - start:.1f} s)")]
    printed, errors = [], []

    def collect(message):
        content = message["content"]
        if message["msg_type"] == "stream":
            printed.append(content["text"])
        elif message["msg_type"] == "error":
            errors.append(f"{content['ename']}: {content['evalue']}")

    try:
        client.execute_interactive(BENCHMARK, timeout=timeout - (time.perf_counter() - start), output_hook=collect)
    except Exception as e:
        errors.append(f"no answer within {timeout:.0f} s: a busy or very slow machine ({type(e).__name__})")
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    found = dict(line.split(" ", 1) for line in "".join(printed).splitlines() if " " in line)
    if "widget" in found:
        from importlib.util import find_spec

        extension = find_spec("jupyterlab_widgets") is not None
        lines.append(
            Line(
                extension,
                "a widget can be built"
                + ("" if extension else ", but JupyterLab's widget extension (jupyterlab_widgets) is missing"),
            )
        )
    else:
        lines.append(Line(False, f"a widget cannot be built ({'; '.join(errors) or 'no answer'})"))
    if "step" in found:
        step = float(found["step"])
        low, high = predict(step)
        lines.append(
            Line(
                high <= 15 * 60,
                f"CPU benchmark: {step * 1000:.0f} ms per LeNet training step; notebook 04 "
                f"should take {low / 60:.1f} to {high / 60:.1f} min here (the course's quiet 2-core machine: {QUIET_SECONDS_04 / 60:.1f} min)"
                + ("" if high <= 15 * 60 else "; too slow: close other programs and run the doctor again"),
            )
        )
    else:
        lines.append(Line(False, f"the CPU benchmark failed in the kernel ({'; '.join(errors) or 'no answer'})"))
    return lines


def run(out=print, timeout: float = 27.0) -> int:
    """Print every check; 0 when the course will run on this machine, else 1.

    The kernel (which imports TensorFlow, the slow part) starts first, in a thread, while the
    versions and the data are checked here.
    """
    from course import data

    from_kernel: list[Line] = []
    thread = threading.Thread(target=lambda: from_kernel.extend(kernel_checks(timeout)), daemon=True)
    thread.start()
    lines = versions() + [check_dataset(n) for n in data.DATASETS]
    for line in lines:
        out(str(line))
    thread.join()
    for line in from_kernel:
        out(str(line))
    ok = all(line.ok for line in lines + from_kernel) and bool(from_kernel)
    out("The course is ready to run here." if ok else "Fix the lines marked ✗ before the workshop.")
    return 0 if ok else 1
