"""One pane per widget: its status text and its figure, replaced together in a single update.

A widget that redraws by clearing an `Output` and printing a new figure into it sends two or more messages per
redraw: while quick updates arrive, the browser may show a stale figure above the new one, and the text changes
before the figure. Capturing into an `Output` from a comm callback also routes the kernel's output through the
widget while the cell is still executing, which is what stalls headless runs (nbclient). Rendering the figure to a
PNG first and setting one `HTML` value sends exactly one message per redraw and prints nothing.
"""

from __future__ import annotations

import base64
import io


def figure_html(fig, dpi: int = 80) -> str:
    """The figure as an inline PNG <img>; the figure is closed, so it is never shown a second time."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f"<img class='course-figure' style='max-width:100%' src='data:image/png;base64,{data}'>"


def pane():
    """The HTML widget a widget redraws into."""
    import ipywidgets as widgets

    return widgets.HTML(layout=widgets.Layout(min_height="120px"))


def show(target, text: str, fig) -> str:
    """Set `target` (an HTML widget) to the status text above the figure, in one update; returns the text."""
    target.value = f"<div class='course-status'>{text}</div>{figure_html(fig)}"
    return text
