"""What a rehearsal found: timings.csv, report.md (phases, failures, memory and CPU per learner, verdict) and the
one-screen summary printed at the end."""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np

from course.rehearse.learner import PHASES, Timing
from course.rehearse.monitor import Usage

OVERHEAD = ("hub", "proxy", "driver")


@dataclass(frozen=True)
class Targets:
    """What the instructor asks of the hub: a spawn's and a check's 95th percentile, and no failed cell."""

    spawn_p95: float = 30.0
    check_p95: float = 2.0


@dataclass
class Rehearsal:
    """Everything measured: the setting, every timing, and the hub machine's usage (None against a remote hub)."""

    notebook: str
    learners: list[str]
    hub: str
    seconds: float
    timings: list[Timing]
    usage: Usage | None
    load_before: tuple[float, float, float]
    targets: Targets = Targets()
    processes: dict[int, float] = field(default_factory=dict)  # pid -> start time of every process the hub ran


def learners(r: Rehearsal) -> str:
    return f"{len(r.learners)} learner{'s' if len(r.learners) != 1 else ''}"


def write_csv(timings: list[Timing], path: Path) -> None:
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=[f.name for f in fields(Timing)])
        writer.writeheader()
        for t in timings:
            writer.writerow({**asdict(t), "start": f"{t.start:.3f}", "seconds": f"{t.seconds:.3f}"})


def phase_stats(timings: list[Timing]) -> dict[str, tuple[int, float, float, float]]:
    """For each phase: (count, p50, p95, max) of the seconds of its successful steps."""
    stats = {}
    for phase in PHASES:
        seconds = [t.seconds for t in timings if t.phase == phase and t.ok]
        if seconds:
            p50, p95 = np.percentile(seconds, [50, 95])
            stats[phase] = (len(seconds), float(p50), float(p95), max(seconds))
    return stats


def verdict(r: Rehearsal) -> list[tuple[bool, str]]:
    """Each target met or not, with the measured figure."""
    stats = phase_stats(r.timings)
    failures = [t for t in r.timings if not t.ok]
    finished = {t.learner for t in r.timings if t.phase == "shutdown" and t.ok}
    lines = []
    for phase, target in (
        ("spawn", r.targets.spawn_p95),
        ("check", r.targets.check_p95),
    ):
        p95 = stats[phase][2] if phase in stats else float("inf")
        lines.append((p95 <= target, f"{phase} p95 {p95:.1f} s (target ≤ {target:g} s)"))
    lines.append((not failures, f"{len(failures)} failed step(s) (target: none)"))
    lines.append(
        (
            len(finished) == len(r.learners),
            f"{len(finished)} of {len(r.learners)} learners ran to the end",
        )
    )
    return lines


def per_learner(r: Rehearsal) -> list[tuple[str, float, float, float, float]]:
    """(learner, peak MB of server and kernel, of the kernel alone, CPU seconds of both, of the kernel alone)."""
    if r.usage is None:
        return []
    u = r.usage
    columns = (
        u.peak_mb(),
        u.peak_mb(kernels_only=True),
        u.cpu_seconds(),
        u.cpu_seconds(kernels_only=True),
    )
    return [(name, *(column.get(name, 0.0) for column in columns)) for name in r.learners]


def markdown(r: Rehearsal) -> str:
    stats = phase_stats(r.timings)
    lines = [
        f"# Rehearsal: {learners(r)} on {r.notebook}",
        "",
        f"Hub: {r.hub}. Rehearsal took {r.seconds:.0f} s. Load average before it: "
        + ", ".join(f"{x:.2f}" for x in r.load_before)
        + " (1, 5, 15 min).",
        "",
        "## Verdict",
        "",
        *(f"- {'✓' if ok else '✗'} {text}" for ok, text in verdict(r)),
        "",
        "## Phases (seconds; successful steps)",
        "",
        "| phase | steps | p50 | p95 | max |",
        "|---|---|---|---|---|",
        *(f"| {p} | {n} | {p50:.2f} | {p95:.2f} | {mx:.2f} |" for p, (n, p50, p95, mx) in stats.items()),
        "",
        "## Failures",
        "",
    ]
    failures = [t for t in r.timings if not t.ok]
    lines += [f"- {t.learner} {t.phase}" + (f" cell {t.cell}" if t.cell else "") + f": {t.reason}" for t in failures]
    lines += ["- none"] if not failures else []
    if r.usage is not None:
        loads = [s.load1 for s in r.usage.samples]
        rows = per_learner(r)
        lines += [
            "",
            "## The hub's machine",
            "",
            f"1-minute load average during the rehearsal: {min(loads):.2f} to {max(loads):.2f} "
            f"(mean {np.mean(loads):.2f}); least memory available: "
            f"{min(s.available_mb for s in r.usage.samples):,.0f} MB.",
            "",
            "| learner | peak memory: server + kernel | kernel alone | CPU seconds: server + kernel | kernel alone |",
            "|---|---|---|---|---|",
            *(f"| {name} | {m:,.0f} MB | {km:,.0f} MB | {c:.1f} | {kc:.1f} |" for name, m, km, c, kc in rows),
            "| median | {:,.0f} MB | {:,.0f} MB | {:.1f} | {:.1f} |".format(
                *np.median([row[1:] for row in rows], axis=0)
            ),
            "",
            "The rehearsal's own overhead (peak memory; CPU as a share of one core over the rehearsal):",
            "",
            "| process | peak memory | CPU |",
            "|---|---|---|",
            *(f"| {who} | {mb:,.0f} MB | {pct:.1f} % |" for who, mb, pct in overhead(r)),
        ]
    return "\n".join(lines) + "\n"


def overhead(r: Rehearsal) -> list[tuple[str, float, float]]:
    """(hub / proxy / driver / all three, peak MB, CPU % of one core) during the rehearsal."""
    peaks, cpu = r.usage.peak_mb(), r.usage.cpu_seconds()
    rows = [(who, peaks.get(who, 0.0), 100 * cpu.get(who, 0.0) / r.seconds) for who in OVERHEAD]
    together = max(sum(s.rss_mb.get(who, 0.0) for who in OVERHEAD) for s in r.usage.samples)
    return [*rows, ("all three", together, sum(pct for *_, pct in rows))]


def summary(r: Rehearsal) -> str:
    """The terminal's one-screen summary: the verdict, the phases, and where the rest is."""
    stats = phase_stats(r.timings)
    lines = [f"{learners(r)} on {r.notebook} in {r.seconds:.0f} s ({r.hub})"]
    lines += [f"  {'✓' if ok else '✗'} {text}" for ok, text in verdict(r)]
    lines += [f"  {p:8} p50 {p50:6.2f} s  p95 {p95:6.2f} s  max {mx:6.2f} s" for p, (_, p50, p95, mx) in stats.items()]
    if r.usage is not None:
        rows = per_learner(r)
        lines.append(
            f"  per learner: peak {max(row[1] for row in rows):,.0f} MB, CPU {np.median([row[3] for row in rows]):.1f} s "
            f"(median); hub + proxy + driver: {overhead(r)[-1][1]:,.0f} MB, {overhead(r)[-1][2]:.1f} % of a core"
        )
    return "\n".join(lines)


def write(r: Rehearsal, out: Path) -> None:
    from course.rehearse.timeline import timeline

    out.mkdir(parents=True, exist_ok=True)
    write_csv(r.timings, out / "timings.csv")
    (out / "report.md").write_text(markdown(r))
    timeline(
        r.timings,
        r.learners,
        out / "timeline.png",
        title=f"{learners(r)} on {r.notebook}",
    )
