"""Interactive front-ends (ipywidgets) over plain functions, so their logic is testable without a browser."""

from __future__ import annotations

import numpy as np

from course.figures import plots, view

TRUTH_TABLE = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
LOGIC_GATES = {
    "AND": (TRUTH_TABLE, np.array([0, 0, 0, 1])),
    "OR": (TRUTH_TABLE, np.array([0, 1, 1, 1])),
    "XOR": (TRUTH_TABLE, np.array([0, 1, 1, 0])),
}


def count_mistakes(X, y, w, b) -> int:
    """How many samples the perceptron step(X @ w + b) gets wrong."""
    y_hat = (np.asarray(X) @ np.asarray(w, dtype=float) + b > 0).astype(int)
    return int(np.sum(y_hat != np.asarray(y)))


class PerceptronPlayground:
    """Sliders for w1, w2 and b redraw the decision line and count the mistakes on a chosen data set."""

    def __init__(self, datasets=None, w=(1.0, 1.0), b=-0.5):
        import ipywidgets as widgets

        self.datasets = datasets or LOGIC_GATES
        slider = dict(min=-2.0, max=2.0, step=0.1, continuous_update=False, readout_format=".1f")
        self.w1 = widgets.FloatSlider(value=w[0], description="w1", **slider)
        self.w2 = widgets.FloatSlider(value=w[1], description="w2", **slider)
        self.b = widgets.FloatSlider(value=b, description="b", **slider)
        self.dataset = widgets.ToggleButtons(options=list(self.datasets), description="data")
        self.view, self.text, self.draws = view.pane(), "", 0
        for control in (self.w1, self.w2, self.b, self.dataset):
            control.observe(lambda change: self.update(), names="value")
        self.box = widgets.VBox([self.dataset, widgets.HBox([widgets.VBox([self.w1, self.w2, self.b]), self.view])])
        self.update()

    @property
    def mistakes(self) -> int:
        X, y = self.datasets[self.dataset.value]
        return count_mistakes(X, y, (self.w1.value, self.w2.value), self.b.value)

    def update(self) -> None:
        import matplotlib.pyplot as plt

        X, y = self.datasets[self.dataset.value]
        w, b = np.array([self.w1.value, self.w2.value]), self.b.value
        n = self.mistakes
        verdict = "all correct ✓" if n == 0 else f"{n} mistake{'s' * (n != 1)}"
        fig, ax = plt.subplots(figsize=(4, 4))
        plots.decision_boundary(X, y, w, b, ax=ax, title=f"{self.dataset.value}: {verdict}")
        self.text = view.show(self.view, f"<b>{self.dataset.value}</b>: {verdict}", fig)
        self.draws += 1

    def _ipython_display_(self):
        from IPython.display import display

        display(self.box)
