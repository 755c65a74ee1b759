"""The measured figures the docs quote, kept in one file, `docs/results.json`, by the commands that measure them.

`python -m course execute` records each notebook it runs (run time, the kernel's peak memory and CPU time) and the
benchmarks in `benchmarks/` record theirs. The docs quote measured figures only inside generated blocks,

    <!-- results: notebooks -->
    ...a table drawn from the file...
    <!-- /results -->

which `python -m course docs` redraws. `tests/test_docs.py` fails when a block differs from what the file holds,
and when prose outside the blocks quotes a figure of time or memory that the file holds neither as a measurement
nor among its stated figures (budgets and limits, each with where it is set).
"""

from __future__ import annotations

import json
import math
import platform
import re
from collections.abc import Callable
from pathlib import Path

FILE = Path("docs") / "results.json"
BLOCK = re.compile(r"(<!-- results: ([\w-]+) -->\n)(.*?)(<!-- /results -->)", re.S)
FIGURE = re.compile(r"(?<![\w.,-])(\d[\d,]*(?:\.\d+)?) ?(ms|s|seconds|min|minutes|MB|GB|GiB)\b")


def load(path: Path = FILE) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def record(section: str, key: str, value: dict, path: Path = FILE) -> None:
    """Store `value` under results[section][key] (e.g. "notebooks", "04_cnn"), keeping everything else."""
    results = load(path)
    results.setdefault(section, {})[key] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def this_machine() -> str:
    """The processor's model and the cores this process may use, e.g. "Intel(R) Xeon(R) Processor, 2 cores"."""
    from course.runtime.cpus import available

    model = platform.processor() or platform.machine()
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        model = next(line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{model}, {available()} cores"


def seconds(value: float) -> str:
    return f"{value:.1f} s" if value < 10 else f"{value:,.0f} s"


def megabytes(value: float) -> str:
    return f"{value:,.0f} MB"


def _notebook_rows(results: dict) -> list[tuple[str, dict]]:
    return sorted(results.get("notebooks", {}).items())


def notebook_times(results: dict) -> str:
    """README: each notebook's run time against its budget, and the whole course."""
    rows = ["| notebook | run time | budget |", "|---|---|---|"]
    for name, run in _notebook_rows(results):
        rows.append(f"| {name} | {seconds(run['seconds'])} | {seconds(run['budget'])} |")
    total = sum(run["seconds"] for _, run in _notebook_rows(results))
    rows.append(f"| all, one after another | {seconds(total)} | {seconds(results['stated']['course budget'][0])} |")
    return "\n".join(rows)


def notebook_usage(results: dict) -> str:
    """The hub's sizing table: each notebook's kernel, its peak memory, CPU time and run time."""
    rows = ["| notebook | kernel's peak memory | kernel CPU time | run time |", "|---|---|---|---|"]
    for name, run in _notebook_rows(results):
        rows.append(
            f"| {name} | {megabytes(run['peak_mb'])} | {seconds(run['cpu_seconds'])} | {seconds(run['seconds'])} |"
        )
    return "\n".join(rows)


def machine(results: dict) -> str:
    """Where and when the notebooks were measured: each machine once, with the range of load averages at the start."""
    runs = [run for _, run in _notebook_rows(results)]
    where = []
    for name in sorted({run["machine"] for run in runs}):
        loads = sorted(run["load"] for run in runs if run["machine"] == name and run.get("load") is not None)
        span = "" if not loads else f"{loads[0]:.1f}" if loads[0] == loads[-1] else f"{loads[0]:.1f} to {loads[-1]:.1f}"
        where.append(name + (f" (load average {span} at the start)" if span else ""))
    dates = sorted({run["date"] for run in runs})
    return f"Measured with `python -m course execute` on {'; '.join(where)}; {', '.join(dates)}."


def grading_workers(results: dict, learners: int = 300, hours: int = 1) -> str:
    """docs/grading.md: each notebook's CPU-seconds per graded submission, and the cores that grade a class in time.

    Notebooks measured through the grader (benchmarks/cluster.py, section "grading_cpu") say so; the others give the
    CPU time of the notebook's own run (`course execute`), a lower bound: grading adds a kernel start and the checks.
    """
    graded = results.get("grading_cpu", {})
    rows = [
        f"| notebook | CPU-seconds per submission | measured | cores for {learners} submissions in {hours} hour |",
        "|---|---|---|---|",
    ]
    for name, run in _notebook_rows(results):
        if name in graded:
            g = graded[name]
            cpu, how = g["cpu_seconds"], f"graded: {g['submissions']} submissions, load average {g['load']:.1f}"
        else:
            cpu, how = run["cpu_seconds"], "the notebook's own run (a lower bound)"
        rows.append(f"| {name} | {cpu:g} | {how} | {math.ceil(learners * cpu / (hours * 3600))} |")
    return "\n".join(rows)


def training(results: dict) -> str:
    """benchmarks/training.py's timings: each model on each device it was measured on."""
    names = {
        "lenet_epoch": "notebook 04's LeNet-style network, one epoch (50,000 images)",
        "gru_200_steps": "notebook 06's GRU-256, 200 steps",
    }
    rows = ["| training | device | seconds | measured on |", "|---|---|---|---|"]
    for key, run in sorted(results.get("training", {}).items()):
        model = names.get(key.split()[0], key.split()[0])
        rows.append(f"| {model} | {run['device']} | {run['seconds']:.2f} s | {run['machine']}, {run['date']} |")
    return "\n".join(rows)


def grading(results: dict) -> str:
    """benchmarks/sealed.py's runs: N submissions of notebook 01 graded with the sandbox, without it, and before it."""
    rows = ["| grader | submissions | wall time | per submission | load average (start, end) | measured on |"]
    rows.append("|---|---|---|---|---|---|")
    for key, run in sorted(results.get("grading", {}).items()):
        mode = key.split(", ", 1)[1]
        load = ", ".join(f"{x:.1f}" for x in run["load"])
        rows.append(
            f"| {mode} | {run['submissions']} | {seconds(run['seconds'])} | {run['per_submission']:.2f} s | {load} | "
            f"{run['machine']}, {run['date']} |"
        )
    return "\n".join(rows)


def hidden_cases(results: dict) -> str:
    """benchmarks/hidden.py: per notebook, the learner's calls and the grading time without and with hidden cases."""
    rows = [
        "| notebook | calls, visible | calls, with hidden | grading, visible | with hidden | added | load average |"
    ]
    rows.append("|---|---|---|---|---|---|---|")
    runs = sorted(results.get("hidden_cases", {}).items())
    for name, run in runs:
        added = run["hidden_seconds"] - run["visible_seconds"]
        rows.append(
            f"| {name} | {run['visible_calls']} | {run['hidden_calls']} | {run['visible_seconds']:.2f} s "
            f"| {run['hidden_seconds']:.2f} s | {added:+.2f} s | {run['load']:.1f} |"
        )
    where = sorted({f"{run['machine']}, {run['date']}" for _, run in runs})
    return "\n".join(rows) + ("\n\nMeasured on " + "; ".join(where) + ", shared with other jobs." if where else "")


def rehearsals(results: dict) -> str:
    """`python -m course rehearse` runs: each notebook and room size, the load, the phases' times, memory and CPU."""
    runs = results.get("rehearsals", {}).get("runs", {})
    columns = next(iter(runs.values()), {}).keys()
    rows = ["| notebook, learners | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    rows += [f"| {name} | " + " | ".join(run[c] for c in columns) + " |" for name, run in runs.items()]
    return "\n".join(rows)


BLOCKS: dict[str, Callable[[dict], str]] = {
    "rehearsals": rehearsals,
    "hidden-cases": hidden_cases,
    "grading": grading,
    "training": training,
    "notebook-times": notebook_times,
    "notebook-usage": notebook_usage,
    "machine": machine,
    "grading-workers": grading_workers,
}


def redraw(text: str, results: dict) -> str:
    """`text` with every results block drawn afresh from `results`."""
    return BLOCK.sub(lambda m: m.group(1) + BLOCKS[m.group(2)](results) + "\n" + m.group(4), text)


def _held(results) -> set[str]:
    """Every figure the file holds, written as the docs write it (with or without thousands separators)."""
    held = set()

    def walk(value):
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)
        elif isinstance(value, str):  # a measured table's cell, e.g. "35.2 / 38.2 s"
            for number in re.findall(r"\d[\d,]*(?:\.\d+)?", value):
                walk(float(number.replace(",", "")))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            for text in (f"{value:,.0f}", f"{value:.0f}", f"{value:,.1f}", f"{value:.1f}", f"{value:g}"):
                held.add(text)

    walk(results)
    return held


def unheld(text: str, results: dict) -> list[str]:
    """Figures of time or memory in `text`, outside the results blocks, that the results file does not hold."""
    prose = BLOCK.sub("", text)
    held = _held(results)
    stated = {f"{figure} {unit}".replace(" ", "") for figure, unit in results.get("stated", {}).values()}
    found = []
    for match in FIGURE.finditer(prose):
        number, unit = match.groups()
        if number not in held and f"{number}{unit}" not in stated:
            found.append(match.group(0))
    return found
