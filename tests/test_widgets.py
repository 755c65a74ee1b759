"""The perceptron widget's logic, driven through its widgets without a browser."""

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402

from course.widgets import playground  # noqa: E402


def test_count_mistakes():
    X, y = playground.LOGIC_GATES["AND"]
    assert playground.count_mistakes(X, y, (1.0, 1.0), -1.5) == 0
    assert playground.count_mistakes(X, y, (1.0, 1.0), -0.5) == 2  # that line computes OR
    assert playground.count_mistakes(X, y, (0.0, 0.0), 0.0) == 1  # z = 0 is class 0


def test_sliders_update_the_count_and_the_plot():
    widget = playground.PerceptronPlayground()
    assert widget.dataset.value == "AND" and widget.mistakes == 2
    assert "2 mistakes" in widget.text
    widget.b.value = -1.5
    assert widget.mistakes == 0 and "all correct" in widget.text
    widget.dataset.value = "OR"
    assert widget.mistakes == 2 and "<b>OR</b>: 2 mistakes" in widget.text
    widget.b.value = -0.5
    assert widget.mistakes == 0


def test_no_slider_setting_solves_xor():
    widget = playground.PerceptronPlayground()
    widget.dataset.value = "XOR"
    grid = np.round(np.arange(-2.0, 2.01, 0.5), 1)
    best = min(
        playground.count_mistakes(*playground.LOGIC_GATES["XOR"], (a, b), c) for a in grid for b in grid for c in grid
    )
    assert best == 1 and widget.mistakes >= 1


def test_one_update_of_the_pane_per_redraw():
    widget = playground.PerceptronPlayground()
    changes = []
    widget.view.observe(changes.append, names="value")
    for value in (-1.0, -1.2, -1.5):
        widget.b.value = value
    assert len(changes) == 3 and widget.draws == 4
    assert changes[-1]["new"].count("<img") == 1 and "all correct" in changes[-1]["new"]
