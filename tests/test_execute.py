"""`python -m course execute`: runs notebooks in a real kernel, saves outputs, and measures time and memory."""

import nbformat

from course.__main__ import main
from course.instructor import results
from course.instructor.execute import Run, execute, table


def tiny_notebook(path):
    cells = [
        nbformat.v4.new_code_cell("block = b'x' * (80 * 2**20)  # 80 MB, resident"),
        nbformat.v4.new_code_cell("print(len(block) // 2**20, 'MB')"),
    ]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)


def test_execute_saves_outputs_and_measures_the_kernel(tmp_path):
    notebook = tmp_path / "tiny.ipynb"
    tiny_notebook(notebook)
    run = execute(notebook)
    assert nbformat.read(notebook, as_version=4).cells[1].outputs[0]["text"] == "80 MB\n"
    assert run.seconds > 0 and run.peak_mb >= 80 and run.cpu_seconds > 0


def test_execute_all_runs_every_solution_and_prints_a_table_with_the_total(tmp_path, monkeypatch, capsys):
    (tmp_path / "solutions").mkdir()
    for name in ("01_a.ipynb", "02_b.ipynb"):
        tiny_notebook(tmp_path / "solutions" / name)
    monkeypatch.chdir(tmp_path)
    assert main(["execute", "--all"]) == 0
    out = capsys.readouterr().out
    assert "01_a.ipynb" in out and "02_b.ipynb" in out and "total (2 notebooks)" in out
    assert all(nbformat.read(f, as_version=4).cells[1].outputs for f in (tmp_path / "solutions").iterdir())
    recorded = results.load(tmp_path / "docs" / "results.json")["notebooks"]
    assert sorted(recorded) == ["01_a", "02_b"]
    assert (
        recorded["01_a"]["peak_mb"] >= 80 and recorded["01_a"]["seconds"] > 0 and "cores" in recorded["01_a"]["machine"]
    )


def test_execute_without_saving_measures_and_records_only(tmp_path, monkeypatch):
    (tmp_path / "solutions").mkdir()
    tiny_notebook(tmp_path / "solutions" / "01_a.ipynb")
    before = (tmp_path / "solutions" / "01_a.ipynb").read_bytes()
    monkeypatch.chdir(tmp_path)
    assert main(["execute", "--no-save", "solutions/01_a.ipynb"]) == 0
    assert (tmp_path / "solutions" / "01_a.ipynb").read_bytes() == before
    assert "01_a" in results.load(tmp_path / "docs" / "results.json")["notebooks"]


def test_table_sums_run_times_and_takes_the_largest_peak(tmp_path):
    text = table([Run(tmp_path / "a.ipynb", 10.0, 300.0, 15.0), Run(tmp_path / "b.ipynb", 5.0, None, None)])
    assert "n/a" in text and "1.50" in text
    assert text.splitlines()[-1].split()[3:] == ["15.0", "s", "300", "MB", "15.0", "s"]
