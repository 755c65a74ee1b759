"""The kernel editor's logic and the filters it applies, driven through its widgets without a browser."""

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course.references import convolution as ref  # noqa: E402
from course.widgets import filters  # noqa: E402

IMAGE = (np.arange(63) ** 2 % 17 / 16).reshape(7, 9)


def test_presets():
    assert all(k.shape == (3, 3) for k in filters.PRESETS.values())
    for name in ("vertical edges", "horizontal edges", "Sobel x", "Sobel y", "outline"):
        assert filters.PRESETS[name].sum() == 0
    for name in ("identity", "blur", "sharpen"):
        assert np.isclose(filters.PRESETS[name].sum(), 1)
    np.testing.assert_array_equal(filters.PRESETS["horizontal edges"], filters.PRESETS["vertical edges"].T)
    assert filters.preset_name(filters.PRESETS["Sobel y"]) == "Sobel y"
    assert filters.preset_name(np.eye(3)) == filters.CUSTOM
    assert "sum to 0" in filters.describe(filters.PRESETS["Sobel x"])
    assert "sum to 1" in filters.describe(filters.PRESETS["blur"])
    assert "scaled by 2" in filters.describe(2 * filters.PRESETS["identity"])


@pytest.mark.parametrize("k", [2, 3, 4, 5])
def test_correlate_is_tensorflow_same(k):
    kernel = (np.arange(k * k) ** 2 % 7 - 3.0).reshape(k, k)
    out = filters.correlate(IMAGE, kernel)
    np.testing.assert_allclose(out, ref.conv2d(IMAGE, kernel, padding="same"))
    np.testing.assert_allclose(filters.correlate(IMAGE, filters.PRESETS["identity"]), IMAGE)


def test_presets_fill_the_grid_and_redraw_once():
    editor = filters.KernelEditor(IMAGE)
    assert editor.preset.value == "vertical edges" and editor.draws == 1
    np.testing.assert_array_equal(editor.kernel, filters.PRESETS["vertical edges"])
    editor.preset.value = "Sobel y"
    assert editor.draws == 2  # one redraw for nine new numbers
    np.testing.assert_array_equal(editor.kernel, filters.PRESETS["Sobel y"])
    np.testing.assert_allclose(editor.filtered()[0], filters.correlate(IMAGE, filters.PRESETS["Sobel y"]))
    assert "<b>Sobel y</b>" in editor.text and "sum to 0" in editor.text


def test_editing_a_number_makes_a_custom_kernel():
    editor = filters.KernelEditor(IMAGE, preset="identity")
    editor.cells[4].value = 2.0  # the centre weight
    assert editor.preset.value == filters.CUSTOM and editor.draws == 2
    np.testing.assert_allclose(editor.filtered()[0], 2 * IMAGE)
    assert "scaled by 2" in editor.text
    editor.cells[4].value = 1.0  # back to a preset's numbers: the menu follows
    assert editor.preset.value == "identity"
    editor.absolute.value = True
    assert editor.draws == 4


def test_uses_the_learners_conv_and_falls_back_when_it_fails():
    calls = []

    def conv2d(image, kernel, stride=1, padding="valid"):
        calls.append(padding)
        return ref.conv2d(image, kernel, stride, padding)

    editor = filters.KernelEditor(IMAGE, conv=conv2d, preset="blur")
    out, problem = editor.filtered()
    assert calls and set(calls) == {"same"} and problem is None and editor.preset.value == "blur"
    np.testing.assert_allclose(editor.kernel, filters.PRESETS["blur"], atol=1e-4)  # the grid shows 4 decimals
    np.testing.assert_allclose(out, filters.correlate(IMAGE, editor.kernel))

    def stub(image, kernel, stride=1, padding="valid"):
        raise NotImplementedError()

    editor = filters.KernelEditor(IMAGE, conv=stub)
    out, problem = editor.filtered()
    assert problem.startswith("your filter function is not implemented yet") and "not implemented yet" in editor.text
    np.testing.assert_allclose(out, filters.correlate(IMAGE, filters.PRESETS["vertical edges"]))
    editor = filters.KernelEditor(IMAGE, conv=lambda image, kernel, padding: image[1:])
    assert "shape (6, 9)" in editor.filtered()[1]


def test_the_learners_conv_runs_under_the_limits(monkeypatch):
    monkeypatch.setattr(filters, "TIME_LIMIT", 0.3)

    def hang(image, kernel, padding="valid"):
        while True:
            pass

    def leave(image, kernel, padding="valid"):
        print("bye")
        exit()

    assert "took longer than 0.3 s" in filters.KernelEditor(IMAGE, conv=hang).text
    editor = filters.KernelEditor(IMAGE, conv=leave)  # exit() is reported, the kernel and the widget live on
    assert "raised SystemExit" in editor.text and editor.draws == 1


def test_one_update_of_the_pane_per_redraw():
    editor = filters.KernelEditor(IMAGE)
    changes = []
    editor.view.observe(changes.append, names="value")
    editor.preset.value = "sharpen"
    editor.cells[4].value = 6.0
    assert len(changes) == 2 and editor.draws == 3
    assert changes[-1]["new"].count("<img") == 1 and "<b>custom</b>" in changes[-1]["new"]


def test_number_grids_draws_one_panel_per_array():
    fig = filters.number_grids([np.arange(12).reshape(3, 4), np.ones((2, 2))], ["input", "kernel"])
    assert len(fig.axes) == 2 and fig.axes[0].get_title() == "input"
    assert len(fig.axes[0].texts) == 12 and len(fig.axes[1].texts) == 4
