"""Execute notebooks top to bottom and measure each one: run time, and the kernel's peak memory and CPU time."""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BUDGETS = {  # seconds each notebook may take on the course's 2-core machine (the budgets the notebooks were written to)
    "01_perceptron": 30,
    "02_backprop": 60,
    "03_convolution": 30,
    "04_cnn": 180,
    "05_transfer_learning": 150,
    "06_rnn": 180,
}
COURSE_BUDGET = 600  # seconds for all notebooks, one after another


@dataclass
class Run:
    notebook: Path
    seconds: float
    peak_mb: float | None  # the kernel's peak resident memory (VmHWM); None where it cannot be read
    cpu_seconds: float | None  # user + system CPU time of the kernel
    load: float | None = None  # the machine's 1-minute load average when the run started

    @property
    def cores(self) -> float | None:
        """Average number of cores the kernel kept busy."""
        return None if self.cpu_seconds is None or self.seconds <= 0 else self.cpu_seconds / self.seconds


def kernel_usage(pid: int) -> tuple[float | None, float | None]:
    """(peak resident MB, CPU seconds) of a live process: /proc on Linux, else psutil (current memory only)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        peak = next(int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmHWM:"))
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return peak, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, StopIteration, ValueError, IndexError):
        pass
    try:
        import psutil

        process = psutil.Process(pid)
        info, times = process.memory_info(), process.cpu_times()
        return getattr(info, "peak_wset", info.rss) / 2**20, times.user + times.system
    except Exception:  # psutil missing, or the process is gone
        return None, None


def execute(notebook: Path, timeout: int = 600, save: bool = True) -> Run:
    """Run `notebook` in a fresh python3 kernel (in its own folder), save its outputs, and measure the kernel."""
    import nbformat
    from nbclient import NotebookClient

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # the kernel inherits it: no TF log lines in outputs
    # the solutions' checks must not fill the instructor's own progress table
    os.environ.setdefault("COURSE_PROGRESS", str(Path(tempfile.gettempdir()) / "course-execute-progress.json"))
    nb = nbformat.read(notebook, as_version=4)
    usage: list[tuple[float | None, float | None]] = []
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(Path(notebook).parent)}}
    )

    def measure(**_) -> None:  # after every cell, while the kernel is alive; VmHWM keeps the peak between reads
        process = getattr(getattr(client.km, "provisioner", None), "process", None)
        if process is not None:
            usage.append(kernel_usage(process.pid))

    client.on_cell_executed = measure
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    if save:
        nbformat.write(nb, notebook)
    peaks = [p for p, _ in usage if p is not None]
    cpus = [c for _, c in usage if c is not None]
    return Run(Path(notebook), seconds, max(peaks) if peaks else None, max(cpus) if cpus else None, load)


def record(run: Run, path: Path | None = None) -> None:
    """Keep `run` in the results file the docs quote (docs/results.json), with the machine, the date and the load."""
    from course.instructor import results

    name = run.notebook.stem
    results.record(
        "notebooks",
        name,
        {
            "seconds": round(run.seconds, 1),
            "peak_mb": None if run.peak_mb is None else round(run.peak_mb),
            "cpu_seconds": None if run.cpu_seconds is None else round(run.cpu_seconds, 1),
            "budget": BUDGETS.get(name),
            "date": time.strftime("%Y-%m-%d"),
            "machine": results.this_machine(),
            "load": round(run.load, 1) if run.load is not None else None,
        },
        path or results.FILE,
    )


def table(runs: list[Run]) -> str:
    """The runs as a text table with a total line."""

    def num(value, spec):
        return "n/a" if value is None else format(value, spec)

    lines = [f"{'notebook':32} {'run time':>9} {'peak memory':>12} {'CPU time':>9} {'cores':>6}"]
    for r in runs:
        lines.append(
            f"{r.notebook.name:32} {r.seconds:>7.1f} s {num(r.peak_mb, '>9.0f')} MB "
            f"{num(r.cpu_seconds, '>7.1f')} s {num(r.cores, '>6.2f')}"
        )
    peaks = [r.peak_mb for r in runs if r.peak_mb is not None]
    cpu = [r.cpu_seconds for r in runs if r.cpu_seconds is not None]
    total = sum(r.seconds for r in runs)
    lines.append(
        f"{'total (' + str(len(runs)) + ' notebooks)':32} {total:>7.1f} s {num(max(peaks) if peaks else None, '>9.0f')} MB "
        f"{num(sum(cpu) if cpu else None, '>7.1f')} s"
    )
    return "\n".join(lines)
