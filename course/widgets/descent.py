"""Gradient descent on a line fit: the loss surface, descent paths, and a learning-rate explorer."""

from __future__ import annotations

import numpy as np

from course.figures import view

EDGE = (
    0.025  # learning rates within 2.5% of the critical rate 2/λ_max: the steepest direction neither shrinks nor grows
)
VERDICTS = {
    "diverges": "diverges: each step overshoots the minimum by more than the last",
    "oscillates": "oscillates at the edge: each step jumps across the valley to about the same height, so the loss stalls",
    "zig-zags": "zig-zags: each step overshoots the valley's floor by a little less than the last, so it gets there, slowly",
    "too small": "too small: still far from the minimum after these steps",
    "converges": "converges: reaches the minimum",
}


def loss(w, b, x, y):
    """J(w, b) = 1/2 Σ (y - (w x + b))², for scalars or for grids of w and b."""
    w, b = np.asarray(w, dtype=float)[..., None], np.asarray(b, dtype=float)[..., None]
    return 0.5 * np.sum((y - (w * x + b)) ** 2, axis=-1)


def gradient(w, b, x, y):
    """(dJ/dw, dJ/db) of the line fit's loss J."""
    residual = y - (w * x + b)
    return -np.sum(residual * x), -np.sum(residual)


def minimum(x, y):
    """The least-squares line (w*, b*), where J is smallest."""
    w, b = np.polyfit(x, y, 1)
    return float(w), float(b)


def critical_lr(x):
    """The learning rate above which gradient descent on J diverges: 2 / the largest curvature of J."""
    x = np.asarray(x, dtype=float)
    hessian = np.array([[np.sum(x * x), np.sum(x)], [np.sum(x), len(x)]])
    return 2 / np.linalg.eigvalsh(hessian).max()


def descend(x, y, start, lr, steps):
    """Plain gradient descent on J from `start`: the path of (w, b), shape (steps + 1, 2), and the losses."""
    path = [np.asarray(start, dtype=float)]
    with np.errstate(over="ignore", invalid="ignore"):  # a divergent run may overflow: it shows as inf
        for _ in range(steps):
            w, b = path[-1]
            path.append(path[-1] - lr * np.array(gradient(w, b, x, y)))
        path = np.array(path)
        return path, loss(path[:, 0], path[:, 1], x, y)


def verdict(losses, best, ratio=None, tolerance=0.01) -> str:
    """'diverges', 'oscillates', 'zig-zags', 'too small' or 'converges': how a run's losses compare with the smallest
    loss `best`.

    `ratio` = lr / (2/λ_max). Along the steepest direction each step multiplies the distance to the minimum by
    1 - 2·ratio: beyond -1 (ratio > 1) it grows, at about -1 (ratio ≈ 1, within EDGE) the path jumps from side to
    side at the same height, whatever the loss did in the gentler directions over a short run; between -1 and 0
    (ratio between 1/2 and 1) it jumps across and shrinks, a decaying zig-zag, which is slow near ratio 1 but is not
    a learning rate that is too small.
    """
    losses = np.asarray(losses, dtype=float)
    if ratio is not None and ratio > 1 + EDGE:
        return "diverges"
    if ratio is not None and ratio >= 1 - EDGE:
        return "oscillates"
    if not np.isfinite(losses[-1]) or losses[-1] > losses[0]:
        return "diverges"
    if losses[-1] - best > tolerance * (losses[0] - best):
        return "zig-zags" if ratio is not None and ratio > 0.5 else "too small"
    return "converges"


def plot_paths(x, y, paths: dict, ax=None, limits=None, title=None):
    """Contours of J(w, b) and one descent path per name; a star at the minimum."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4))
    w_best, b_best = minimum(x, y)
    w0, w1, b0, b1 = limits or (w_best - 4, w_best + 4, b_best - 4, b_best + 4)
    W, B = np.meshgrid(np.linspace(w0, w1, 120), np.linspace(b0, b1, 120))
    J = loss(W, B, x, y)
    ax.contour(W, B, J, levels=np.geomspace(J.min() + 1e-3, J.max(), 14), cmap="viridis", linewidths=0.8)
    for name, path in paths.items():
        path = np.asarray(path, dtype=float)
        ax.plot(path[:, 0], path[:, 1], ".-", lw=1, ms=4, label=name)
    ax.plot(w_best, b_best, "k*", ms=12, label="minimum")
    ax.set(xlim=(w0, w1), ylim=(b0, b1), xlabel="w", ylabel="b")
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8, loc="upper right")
    return ax


class LearningRateExplorer:
    """Sliders for the learning rate and the number of steps redraw gradient descent on J and say how it went."""

    def __init__(self, x, y, start=(-2.0, 4.0), lr=None, steps=20):
        import ipywidgets as widgets

        self.x, self.y, self.start = np.asarray(x, dtype=float), np.asarray(y, dtype=float), start
        self.critical = critical_lr(self.x)
        self.best = float(loss(*minimum(self.x, self.y), self.x, self.y))
        self.lr = widgets.FloatLogSlider(
            value=lr or 0.5 * self.critical,
            base=10,
            min=np.log10(self.critical) - 2.5,
            max=np.log10(self.critical) + 0.35,  # up to 2.2 × the critical rate
            step=0.05,
            description="lr",
            readout_format=".4f",
            continuous_update=False,
        )
        self.steps = widgets.IntSlider(value=steps, min=1, max=60, description="steps", continuous_update=False)
        self.view, self.text, self.draws = view.pane(), "", 0
        for control in (self.lr, self.steps):
            control.observe(lambda change: self.update(), names="value")
        self.box = widgets.VBox([widgets.HBox([self.lr, self.steps]), self.view])
        self.update()

    def run(self):
        """The path and the losses for the sliders' settings."""
        return descend(self.x, self.y, self.start, self.lr.value, self.steps.value)

    @property
    def verdict(self) -> str:
        return verdict(self.run()[1], self.best, self.lr.value / self.critical)

    def update(self) -> None:
        import matplotlib.pyplot as plt

        path, losses = self.run()
        ratio = self.lr.value / self.critical
        verdict_ = verdict(losses, self.best, ratio)
        fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
        shown = path[np.all(np.abs(path) < 1e6, axis=1)]  # a divergent path leaves the picture anyway
        plot_paths(self.x, self.y, {f"lr = {self.lr.value:.4f}": shown}, ax=axes[0])
        with np.errstate(invalid="ignore"):
            axes[1].semilogy(np.arange(len(losses)), losses, "o-", ms=3)
        axes[1].axhline(self.best, color="k", lw=0.8, ls="--", label="minimum")
        axes[1].set(xlabel="step", ylabel="J(w, b)", title=verdict_)
        axes[1].legend()
        fig.tight_layout()
        self.text = view.show(
            self.view,
            f"lr = {self.lr.value:.4f} = {ratio:.2f} × the critical rate 2/λ_max = {self.critical:.4f}: "
            f"<b>{VERDICTS[verdict_]}</b>",
            fig,
        )
        self.draws += 1

    def _ipython_display_(self):
        from IPython.display import display

        display(self.box)
