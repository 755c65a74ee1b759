"""timeline.png: one row per learner, a bar for each phase while it ran, failures marked."""

from __future__ import annotations

from pathlib import Path

from course.rehearse.learner import PHASES, Timing

COLOURS = dict(zip(PHASES, ("#9e9e9e", "#f0a030", "#c8b400", "#8e44ad", "#4a90d9", "#2ca02c", "#555555"), strict=True))


def timeline(timings: list[Timing], learners: list[str], path: Path, title: str = "") -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    fig, ax = plt.subplots(figsize=(11, max(2.8, 1.2 + 0.32 * len(learners))))
    rows = {name: i for i, name in enumerate(learners)}
    for phase in PHASES:
        for row, name in enumerate(learners):
            bars = [(t.start, t.seconds) for t in timings if t.learner == name and t.phase == phase]
            ax.broken_barh(bars, (row - 0.35, 0.7), facecolors=COLOURS[phase], edgecolor="none")
    failed = [t for t in timings if not t.ok]
    ax.scatter(
        [t.start + t.seconds for t in failed], [rows[t.learner] for t in failed], marker="x", s=80, c="red", zorder=3
    )
    ax.set_yticks(range(len(learners)), learners)
    ax.invert_yaxis()
    ax.set_xlabel("seconds since the rehearsal started")
    ax.set_title(title)
    handles = [Patch(color=COLOURS[p], label=p) for p in PHASES]
    if failed:
        handles.append(plt.Line2D([], [], marker="x", color="red", linestyle="none", label="failed"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
