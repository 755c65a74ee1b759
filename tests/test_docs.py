"""The docs quote only figures that docs/results.json holds: every table of measured figures is drawn from it."""

import pytest
from conftest import ROOT

from course.instructor import results

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
MEASURED = results.load(ROOT / results.FILE)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_results_table_is_drawn_from_the_results_file(doc):
    text = doc.read_text(encoding="utf-8")
    assert results.redraw(text, MEASURED) == text, f"run `python -m course docs` to redraw {doc.name}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_prose_quotes_no_figure_the_results_file_does_not_hold(doc):
    assert results.unheld(doc.read_text(encoding="utf-8"), MEASURED) == []


def test_the_checks_catch_a_stale_table_and_an_unheld_figure():
    measured = {"notebooks": {"01_a": {"seconds": 4.9, "peak_mb": 204, "cpu_seconds": 4.0, "budget": 30}}}
    measured["stated"] = {"course budget": [600, "s"], "time limit": [20, "s"]}
    text = "<!-- results: notebook-usage -->\n| old |\n<!-- /results -->\n"
    assert "204 MB" in results.redraw(text, measured) and results.redraw(text, measured) != text
    assert results.unheld("It took 4.9 s, at most 20 s a call, within 600 s.", measured) == []
    assert results.unheld("It took 5.2 s and 300 MB.", measured) == ["5.2 s", "300 MB"]
    assert results.unheld(text + "1,234 MB", measured) == ["1,234 MB"]
