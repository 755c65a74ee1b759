"""The three widgets' cells execute headless under nbclient, again and again, without a hang (as nbval, `course
execute` and the batch grader run them)."""

import nbformat
import pytest
from nbclient import NotebookClient

CELLS = [
    "import numpy as np\nimport course\nfrom course.widgets import descent, filters, playground",
    "playground.PerceptronPlayground()",
    "rng = np.random.default_rng(2)\nx = rng.uniform(-3, 3, size=20)\ny = 1.5 * x + 1.0 + rng.normal(0, 0.5, size=20)\n"
    "descent.LearningRateExplorer(x, y, start=(-2.0, 4.0))",
    'conv2d = course.reference("convolution.conv2d")\n'
    "filters.KernelEditor(np.arange(48.0).reshape(6, 8) % 7, conv=conv2d)",
]


@pytest.mark.parametrize("run", range(5))
def test_widget_cells_execute_headless(run, tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in CELLS])
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    for cell in nb.cells[1:]:
        views = [o for o in cell.outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
        assert views, cell.outputs
