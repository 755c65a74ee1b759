"""Run the hostile answers of tests/hostile.py against every function exercise of a version of the course.

    python benchmarks/hostile.py [SOURCE_DIR]      # SOURCE_DIR: a checkout of the course (default: this one)

Each hostile answer runs in its own process over all exercises, with the version's time limit set to 2 s (a hang
there is cut after 150 s and counts as failed for the exercises it did not reach). An answer is held when grade()
returns a failed Result within 4 s (twice the limit) with a short message (what the code printed shown apart, capped), and nothing escapes.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKER = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1]); sys.path.insert(1, sys.argv[2])
from hostile import HOSTILE
import course
for name in ("course.grading.limits", "course.limits"):  # the time limit of this version (new or old layout): 2 s
    if name in sys.modules or __import__("importlib").util.find_spec(name):
        __import__("importlib").import_module(name).TIME_LIMIT = 2.0
import keras  # loaded before the clock starts, as in a notebook that has run its Setup
answer = HOSTILE[sys.argv[3]]
todo = [e for e in course.exercises() if not e.endswith("trained_model")]
print(json.dumps({"exercises": len(todo)}), flush=True)
for exercise in todo:
    start = time.perf_counter()
    try:
        result = course.grade(exercise, answer)
        message, _, printed = result.feedback.partition("\n")
        short = len(message) <= 340 and len(printed) <= 260  # ~300 + the id; prints shown apart, capped at ~200
        held = not result.passed and short and time.perf_counter() - start <= 4
    except BaseException as e:
        held = False
    print(json.dumps([exercise, held]), flush=True)
"""


def main() -> None:
    source = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT).resolve()
    sys.path.insert(0, str(ROOT / "tests"))
    from hostile import HOSTILE

    env = dict(os.environ, PYTHONPATH=str(source), TF_CPP_MIN_LOG_LEVEL="3", COURSE_OFFLINE="1")
    held = total = 0
    for name in HOSTILE:
        start = time.perf_counter()
        try:
            out = subprocess.run(
                [sys.executable, "-c", WORKER, str(source), str(ROOT / "tests"), name],
                capture_output=True,
                text=True,
                timeout=150,
                env=env,
                cwd=source,
            ).stdout
        except subprocess.TimeoutExpired as e:
            out = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else e.stdout or ""
        rows = [json.loads(line) for line in out.splitlines() if line.startswith("[")]
        count = next((json.loads(line)["exercises"] for line in out.splitlines() if line.startswith("{")), len(rows))
        good = sum(1 for _, ok in rows if ok)
        print(f"{name:26} held {good:3} of {count}   ({time.perf_counter() - start:.0f} s)", flush=True)
        held, total = held + good, total + count
    print(f"total: {held} of {total} hostile answers held")


if __name__ == "__main__":
    main()
