"""Image filters by hand: named 3x3 kernels, a fast 'same' cross-correlation, and a live kernel editor."""

from __future__ import annotations

import numpy as np

from course.figures import view
from course.grading import limits
from course.references.convolution import conv2d

TIME_LIMIT = 5.0  # seconds for the learner's filter function on one image; a widget must answer quickly

PRESETS = {
    name: np.array(kernel, dtype=float)
    for name, kernel in {
        "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
        "vertical edges": [[1, 0, -1], [1, 0, -1], [1, 0, -1]],
        "horizontal edges": [[1, 1, 1], [0, 0, 0], [-1, -1, -1]],
        "Sobel x": [[1, 0, -1], [2, 0, -2], [1, 0, -1]],
        "Sobel y": [[1, 2, 1], [0, 0, 0], [-1, -2, -1]],
        "blur": np.full((3, 3), 1 / 9),
        "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
        "outline": [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
    }.items()
}
CUSTOM = "custom"


def correlate(image, kernel):
    """Cross-correlation of a 2-D image with a kernel, zero-padded to keep its size as TensorFlow's 'same' does."""
    return conv2d(image, kernel, padding="same")


def preset_name(kernel) -> str:
    """The name of the preset equal to `kernel`, or 'custom'."""
    kernel = np.asarray(kernel, dtype=float)
    return next((name for name, k in PRESETS.items() if np.allclose(k, kernel, atol=1e-3)), CUSTOM)  # 4 digits shown


def describe(kernel) -> str:
    """What the sum of a kernel does to a flat patch of the image."""
    total = float(np.sum(kernel))
    if abs(total) < 1e-9:
        return "weights sum to 0: flat regions become 0, only changes (edges) remain"
    if abs(total - 1) < 1e-9:
        return "weights sum to 1: flat regions keep their brightness"
    return f"weights sum to {total:.3g}: flat regions are scaled by {total:.3g}"


def number_grids(arrays, titles, cell=0.5):
    """Small 2-D arrays drawn side by side as grids of numbers, e.g. an input, a kernel and its outputs."""
    import matplotlib.pyplot as plt

    arrays = [np.asarray(a) for a in arrays]
    widths = [a.shape[1] for a in arrays]
    height = max(a.shape[0] for a in arrays)
    fig, axes = plt.subplots(
        1, len(arrays), figsize=(cell * (sum(widths) + len(arrays)), cell * height + 0.7), width_ratios=widths
    )
    for ax, a, title in zip(np.atleast_1d(axes), arrays, titles, strict=True):
        ax.imshow(a, cmap="Blues", vmin=min(a.min(), 0), vmax=2 * max(a.max(), 1))
        for (i, j), value in np.ndenumerate(a):
            ax.text(j, i, f"{value:g}", ha="center", va="center", fontsize=10)
        ax.set(
            xticks=np.arange(a.shape[1] + 1) - 0.5, yticks=np.arange(a.shape[0] + 1) - 0.5, ylim=(height - 0.5, -0.5)
        )
        ax.tick_params(length=0, labelbottom=False, labelleft=False)
        ax.grid(color="white", lw=2)
        ax.set_title(title, fontsize=10)
    return fig


class KernelEditor:
    """A 3x3 grid of numbers and a preset menu; the filtered image is redrawn whenever the kernel changes.

    `conv(image, kernel, padding="same")`, e.g. your own conv2d, does the filtering; if it is missing or
    fails, the editor uses `correlate` and says why.
    """

    def __init__(self, image, conv=None, preset="vertical edges", absolute=False):
        import ipywidgets as widgets

        self.image, self.conv = np.asarray(image, dtype=float), conv
        self.draws, self._quiet = 0, False
        self.cells = [widgets.FloatText(value=0.0, layout=widgets.Layout(width="70px")) for _ in range(9)]
        self.preset = widgets.Dropdown(options=[*PRESETS, CUSTOM], value=preset, description="preset")
        self.absolute = widgets.Checkbox(value=absolute, description="show |response|")
        self.view, self.text = view.pane(), ""
        grid = widgets.GridBox(self.cells, layout=widgets.Layout(grid_template_columns="repeat(3, 76px)"))
        self.box = widgets.VBox([widgets.VBox([self.preset, grid, self.absolute]), self.view])
        self.preset.observe(self._on_preset, names="value")
        self.absolute.observe(lambda change: self.update(), names="value")
        for cell in self.cells:
            cell.observe(self._on_cell, names="value")
        self.set_kernel(PRESETS[preset])

    @property
    def kernel(self) -> np.ndarray:
        return np.array([cell.value for cell in self.cells], dtype=float).reshape(3, 3)

    def set_kernel(self, kernel) -> None:
        """Write a 3x3 kernel into the grid and redraw once (not once per number)."""
        self._quiet = True
        try:
            for cell, value in zip(self.cells, np.asarray(kernel, dtype=float).ravel(), strict=True):
                cell.value = round(float(value), 4)
            self.preset.value = preset_name(self.kernel)
        finally:
            self._quiet = False
        self.update()

    def _on_preset(self, change) -> None:
        if not self._quiet and change["new"] != CUSTOM:
            self.set_kernel(PRESETS[change["new"]])

    def _on_cell(self, change) -> None:
        if self._quiet:
            return
        self._quiet = True
        try:
            self.preset.value = preset_name(self.kernel)
        finally:
            self._quiet = False
        self.update()

    def filtered(self) -> tuple[np.ndarray, str | None]:
        """The filtered image, and why `conv` was not used (None when it was, or when none was given)."""
        kernel = self.kernel
        if self.conv is not None:
            # the learner's code runs under the check kit's limits: a stub, a bug, a hang or exit() is reported
            outcome = limits.run(
                lambda image, k: self.conv(image, k, padding="same"), (self.image, kernel), time_limit=TIME_LIMIT
            )
            if outcome.status == "ok":
                try:
                    out = np.asarray(outcome.value, dtype=float)
                except (TypeError, ValueError):
                    out = np.zeros(0)
                if out.shape == self.image.shape and np.all(np.isfinite(out)):
                    return out, None
                problem = f"returned an array of shape {out.shape} (or NaN), expected {self.image.shape}"
            elif outcome.status == "stub":
                problem = "is not implemented yet"
            elif outcome.status == "timeout":
                problem = f"took longer than {TIME_LIMIT:g} s"
            else:
                problem = f"raised {outcome.error or outcome.status}"
            return correlate(self.image, kernel), f"your filter function {problem}; showing correlate() instead"
        return correlate(self.image, kernel), None

    def update(self) -> None:
        """Filter the image with the grid's kernel and redraw it next to the input."""
        import matplotlib.pyplot as plt

        out, problem = self.filtered()
        shown = np.abs(out) if self.absolute.value else out
        # on the input's brightness scale, so weights summing to 2 visibly brighten; edge maps (sum 0) are stretched
        stretch = self.absolute.value or abs(self.kernel.sum()) < 1e-3
        scale = {} if stretch else {"vmin": self.image.min(), "vmax": self.image.max()}
        fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
        axes[0].imshow(self.image, cmap="gray")
        axes[0].set_title("input")
        axes[1].imshow(shown, cmap="gray", **scale)
        axes[1].set_title(f"{self.preset.value}{' (absolute value)' if self.absolute.value else ''}")
        for ax in axes:
            ax.axis("off")
        fig.tight_layout()
        text = f"<b>{self.preset.value}</b>: {describe(self.kernel)}" + (
            f"<br><span style='color:#b00'>{problem}</span>" if problem else ""
        )
        self.text = view.show(self.view, text, fig)
        self.draws += 1

    def _ipython_display_(self):
        from IPython.display import display

        display(self.box)
