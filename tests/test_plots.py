"""Plots draw what they promise (inspected through matplotlib's artists, off-screen)."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course.figures import plots  # noqa: E402

X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y = np.array([0, 0, 0, 1])


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_decision_boundary_draws_points_and_the_line():
    ax = plots.decision_boundary(X, Y, np.array([1.0, 1.0]), -1.5, title="AND")
    assert ax.get_title() == "AND"
    scatter_sizes = sorted(len(c.get_offsets()) for c in ax.collections if type(c).__name__ == "PathCollection")
    assert scatter_sizes == [1, 3]  # one blue point, three red ones
    line = [
        p for p in ax.collections if type(p).__name__ in ("QuadContourSet", "ContourSet") and p.levels.tolist() == [0]
    ]
    assert line, "the line w.x + b = 0 is drawn"


def test_no_line_for_zero_weights():
    ax = plots.decision_boundary(X, Y, np.zeros(2), 0.0)
    assert not [c for c in ax.collections if getattr(c, "levels", None) is not None and list(c.levels) == [0]]


def test_decision_boundaries_one_panel_per_state():
    fig = plots.decision_boundaries(X, Y, [(np.ones(2), -1.5)] * 3, titles=["a", "b", "c"], ncols=2)
    visible = [ax for ax in fig.axes if ax.axison]
    assert [ax.get_title() for ax in visible] == ["a", "b", "c"] and len(fig.axes) == 4


def test_curves_one_line_per_series_counting_from_one():
    ax = plots.curves({"AND": [2, 1, 0], "OR": [1, 0, 0]}, ylabel="mistakes")
    assert len(ax.lines) == 2 and ax.lines[0].get_xdata().tolist() == [1, 2, 3]
    assert ax.get_ylabel() == "mistakes" and ax.get_legend() is not None


def test_image_grid_labels_every_image():
    fig = plots.image_grid(np.zeros((5, 28, 28, 1)), labels=list("abcde"), ncols=4)
    titled = [ax.get_title() for ax in fig.axes if ax.images]
    assert titled == list("abcde") and len(fig.axes) == 8
