"""Gradient descent on a line fit, the learning-rate explorer driven through its widgets, live curves, figures."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course.figures import netplots
from course.references.backprop import numerical_gradient  # noqa: E402
from course.widgets import descent  # noqa: E402

X = np.linspace(-3, 3, 13)
Y = 1.5 * X + 1 + np.sin(7 * X) / 4  # a line plus a deterministic wiggle


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_gradient_is_the_derivative_of_the_loss():
    for w, b in [(0.0, 0.0), (-2.0, 4.0), (1.3, -0.7)]:
        numeric = numerical_gradient(lambda p: float(descent.loss(p[0], p[1], X, Y)), np.array([w, b]))
        np.testing.assert_allclose(descent.gradient(w, b, X, Y), numeric, rtol=1e-6)
    np.testing.assert_allclose(descent.gradient(*descent.minimum(X, Y), X, Y), 0, atol=1e-9)
    grid = descent.loss(np.array([[0.0, 1.0]]), np.array([[2.0, 3.0]]), X, Y)  # the loss of a grid of lines
    assert grid.shape == (1, 2) and np.isclose(grid[0, 1], descent.loss(1.0, 3.0, X, Y))


def test_critical_learning_rate_separates_convergence_from_divergence():
    critical = descent.critical_lr(X)
    best = float(descent.loss(*descent.minimum(X, Y), X, Y))
    path, losses = descent.descend(X, Y, (-2.0, 4.0), 0.9 * critical, steps=300)
    assert path.shape == (301, 2) and descent.verdict(losses, best) == "converges"
    np.testing.assert_allclose(path[-1], descent.minimum(X, Y), atol=1e-6)
    assert descent.verdict(descent.descend(X, Y, (-2.0, 4.0), 1.02 * critical, 300)[1], best) == "diverges"
    assert descent.verdict(descent.descend(X, Y, (-2.0, 4.0), 0.001 * critical, 300)[1], best) == "too small"


def test_verdict():
    assert descent.verdict([10.0, 5.0, 1.0], best=1.0) == "converges"
    assert descent.verdict([10.0, 5.0, 2.0], best=1.0) == "too small"
    assert descent.verdict([10.0, 20.0, 40.0], best=1.0) == "diverges"
    assert descent.verdict([10.0, np.inf], best=1.0) == "diverges"


@pytest.mark.parametrize(
    "ratio, expected",
    [
        (0.5, "converges"),
        (0.95, "zig-zags"),
        (0.99, "oscillates"),
        (1.0, "oscillates"),
        (1.01, "oscillates"),
        (2.0, "diverges"),
    ],
)
def test_verdict_around_the_critical_rate(ratio, expected):
    explorer = descent.LearningRateExplorer(X, Y, steps=20)
    explorer.lr.value = ratio * explorer.critical
    assert explorer.verdict == expected
    assert descent.VERDICTS[expected] in explorer.text and f"{ratio:.2f} × the critical rate" in explorer.text
    path, losses = explorer.run()
    if expected == "oscillates":  # the path jumps across the valley: successive steps point opposite ways
        steps = np.diff(path, axis=0)
        assert np.all(np.sum(steps[1:] * steps[:-1], axis=1) < 0)


def test_one_update_of_the_pane_per_redraw():
    explorer = descent.LearningRateExplorer(X, Y)
    changes = []
    explorer.view.observe(changes.append, names="value")
    explorer.lr.value = explorer.critical
    explorer.steps.value = 30
    assert len(changes) == 2 and all(change["new"].count("<img") == 1 for change in changes)
    assert "oscillates at the edge" in changes[-1]["new"]


def test_explorer_sliders_change_the_run_and_its_verdict():
    explorer = descent.LearningRateExplorer(X, Y, steps=40)
    assert explorer.draws == 1 and explorer.verdict == "converges"
    assert "converges" in explorer.text and "0.50 × the critical rate" in explorer.text
    explorer.lr.value = 10**explorer.lr.min  # a log slider: min and max are exponents
    assert explorer.verdict == "too small" and "too small" in explorer.text and explorer.draws == 2
    explorer.lr.value = 10**explorer.lr.max
    assert explorer.lr.value > explorer.critical and explorer.verdict == "diverges"
    explorer.steps.value = 5
    assert len(explorer.run()[0]) == 6 and explorer.draws == 4


def test_figures():
    ax = netplots.draw_add_multiply({"x": -2, "y": 5, "z": -4, "q": 3, "f": -12}, {"x": -4, "y": -4, "z": 3, "q": -4})
    texts = {t.get_text() for t in ax.texts}
    assert {"x = -2", "q = 3", "f = -12", "-4", "3", "+", "*"} <= texts
    ax = netplots.decision_regions(lambda P: (P[:, 0] > 0).astype(int), np.array([[-1.0, 0], [1, 0]]), [0, 1])
    assert ax.get_xlim()[0] < -1 and len(ax.collections) >= 2
    ax = netplots.gradient_norms({"a": [1e-6, 1e-3, 1.0], "b": [1.0, 1.0, 1.0]})
    assert len(ax.lines) == 2 and ax.get_yscale() == "log"
    ax = descent.plot_paths(X, Y, {"gd": descent.descend(X, Y, (-2.0, 4.0), 0.01, 5)[0]})
    assert len(ax.lines) == 2  # the path and the minimum
