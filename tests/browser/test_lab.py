"""The learners' notebooks in JupyterLab, as a learner sees them: rendering, check feedback and the three widgets."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(path.name for path in (ROOT / "notebooks").glob("*.ipynb"))
WAIT = 120_000  # ms: a cell that imports TensorFlow on a busy machine


class Lab:
    """One notebook open in JupyterLab, driven through its commands (window.jupyterapp) and the keyboard."""

    def __init__(self, page, lab, name, shots):
        self.page, self.shots, self.name = page, shots, name
        url, token, _ = lab
        # A workspace of its own: JupyterLab would otherwise restore the notebooks of earlier tests as hidden tabs,
        # start their kernels, and the first cell in the page would be one nobody can see.
        page.goto(f"{url}/lab/workspaces/{uuid.uuid4().hex}/tree/{name}?token={token}")
        page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell", timeout=WAIT)
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget", timeout=WAIT)
        self.idle()

    def cells(self):
        return self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell")

    def index(self, needle: str) -> int:
        """The index of the first code cell whose source contains `needle`."""
        return self.page.evaluate(
            """needle => window.jupyterapp.shell.currentWidget.content.widgets.findIndex(
                   c => c.model.type === 'code' && c.model.sharedModel.getSource().includes(needle))""",
            needle,
        )

    def command(self, name: str) -> None:
        self.page.evaluate("name => window.jupyterapp.commands.execute(name)", name)

    def idle(self) -> None:
        self.page.wait_for_function(
            """() => { const s = window.jupyterapp.shell.currentWidget.sessionContext;
                       return s && s.session && s.session.kernel && s.session.kernel.status === 'idle'
                              && ![...document.querySelectorAll('.jp-InputPrompt')].some(p => p.textContent.includes('*')); }""",
            timeout=WAIT,
            polling=250,
        )

    def run(self, index: int, source: str | None = None):
        """Run cell `index` (after typing `source` into its editor, as a learner would); returns the cell."""
        cell = self.cells().nth(index)
        if source is not None:
            cell.locator(".cm-content").click()
            self.page.keyboard.press("Control+a")
            self.page.keyboard.insert_text(source)
        self.page.evaluate("i => { window.jupyterapp.shell.currentWidget.content.activeCellIndex = i; }", index)
        self.command("notebook:run-cell")
        self.idle()
        return cell

    def shot(self, step: str, target=None) -> Path:
        path = self.shots / f"{Path(self.name).stem}-{step}.png"
        (target or self.page).screenshot(path=str(path))
        print(f"screenshot: {path}")
        return path


def figures(widget):
    return widget.locator("img.course-figure")


def interact(lab, widget, control, keys, expected: str) -> str:
    """Quick key presses on a control: the readout reaches `expected` with a new figure, and one figure stays."""
    figure = figures(widget).first.get_attribute("src")
    if callable(keys):
        keys(control)
    else:
        control.focus()
        for key in keys:
            lab.page.keyboard.press(key)
    lab.idle()
    lab.page.wait_for_function(
        """([el, src, expected]) => { const img = el.querySelector('img.course-figure');
               const text = el.querySelector('.course-status');
               return img && img.src !== src && text && text.textContent.includes(expected); }""",
        arg=[widget.element_handle(), figure, expected],
        timeout=WAIT,
    )
    lab.page.wait_for_timeout(500)  # a late message would show as a second figure
    assert figures(widget).count() == 1
    return widget.locator(".course-status").inner_text()


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_notebook_opens_and_renders(page, lab, shots, name):
    lab_ = Lab(page, lab, name, shots)
    heading = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownOutput h1").first
    heading.wait_for(timeout=WAIT)
    assert heading.inner_text().strip()
    assert lab_.cells().count() > 10
    lab_.shot("opened")
    assert page.errors == []


def test_perceptron_checks_and_playground(page, lab, shots):
    lab_ = Lab(page, lab, "01_perceptron.ipynb", shots)
    lab_.command("notebook:run-all-cells")
    lab_.idle()
    feedback = lab_.cells().nth(lab_.index("check(step)")).locator(".jp-OutputArea-output")
    feedback.first.wait_for(timeout=WAIT)
    assert "not implemented yet" in feedback.inner_text()
    assert 'step = course.reference("perceptron.step")' in feedback.inner_text()
    lab_.shot("1-stub-feedback")

    stub, check = lab_.index("def step(z)"), lab_.index("check(step)")
    lab_.run(stub, "def step(z):\n    return (np.asarray(z) >= 0).astype(int)\n")
    text = lab_.run(check).locator(".jp-OutputArea-output").inner_text()
    assert "use >, not >=" in text or "step(0) is 0" in text, text
    lab_.shot("2-wrong-step")
    lab_.run(stub, "def step(z):\n    return (np.asarray(z) > 0).astype(int)\n")
    text = lab_.run(check).locator(".jp-OutputArea-output").inner_text()
    assert "✓" in text and "perceptron.step" in text, text
    lab_.shot("3-correct-step")

    widget = lab_.run(lab_.index("PerceptronPlayground()")).locator(".jupyter-widgets").first
    widget.wait_for(timeout=WAIT)
    assert widget.locator(".widget-slider, .widget-hslider").count() == 3
    figures(widget).first.wait_for(timeout=WAIT)
    text = widget.locator(".course-status").inner_text()
    assert re.search(r"AND.*2 mistakes", text), text
    widget.scroll_into_view_if_needed()
    lab_.shot("4-playground", widget)
    handle = widget.locator(".noUi-handle").nth(2)  # b
    interact(lab_, widget, handle, ["ArrowLeft"] * 10, "all correct")  # b from -0.5 to -1.5: OR's line becomes AND's
    lab_.shot("5-playground-moved", widget)
    assert page.errors == []


def test_learning_rate_explorer(page, lab, shots):
    lab_ = Lab(page, lab, "02_backprop.ipynb", shots)
    lab_.run(0 if lab_.index("import") < 0 else lab_.index("import"))
    lab_.run(lab_.index("x = rng.uniform"))
    widget = lab_.run(lab_.index("LearningRateExplorer(")).locator(".jupyter-widgets").first
    figures(widget).first.wait_for(timeout=WAIT)
    text = widget.locator(".course-status").inner_text()
    assert "0.50 × the critical rate" in text and "converges" in text, text
    widget.scroll_into_view_if_needed()
    lab_.shot("1-explorer", widget)
    handle = widget.locator(".noUi-handle").first  # lr, a log slider in steps of 0.05 decades
    interact(lab_, widget, handle, ["ArrowRight"] * 6, "oscillates at the edge")  # 10**0.3 × 0.5 ≈ 1.0 × critical
    lab_.shot("2-explorer-edge", widget)
    interact(lab_, widget, handle, ["ArrowRight"] * 3, "diverges")
    lab_.shot("3-explorer-diverges", widget)
    assert page.errors == []


def test_kernel_editor(page, lab, shots):
    lab_ = Lab(page, lab, "03_convolution.ipynb", shots)
    lab_.run(lab_.index("import"))
    photo = lab_.index("photo = data.load_sample_photo")
    source = page.evaluate(
        "i => window.jupyterapp.shell.currentWidget.content.widgets[i].model.sharedModel.getSource()", photo
    )
    skip = 'import course\nconv2d = course.reference("convolution.conv2d")  # skip the exercise, as the feedback says\n'
    lab_.run(photo, skip + source)
    widget = lab_.run(lab_.index("KernelEditor(")).locator(".jupyter-widgets").first
    figures(widget).first.wait_for(timeout=WAIT)
    text = widget.locator(".course-status").inner_text()
    assert "vertical edges" in text, text
    widget.scroll_into_view_if_needed()
    lab_.shot("1-kernel-editor", widget)
    select = widget.locator("select")
    interact(lab_, widget, select, lambda control: control.select_option("outline"), "outline")
    cell = widget.locator(".widget-text input").nth(4)
    cell.fill("9")
    interact(lab_, widget, cell, ["Enter"], "custom")
    lab_.shot("2-kernel-editor-edited", widget)
    assert page.errors == []
