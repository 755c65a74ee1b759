"""Figures of small networks: a computational graph with its values and gradients, a classifier's regions."""

from __future__ import annotations

import numpy as np

# The graph of f = (x + y) z: node -> position; each edge carries the value of the variable it is named after.
NODES = {"x": (0, 2.4), "y": (0, 1.2), "z": (0, 0), "+": (2, 1.8), "*": (4, 0.9), "f": (5.6, 0.9)}
EDGES = [("x", "+", "x"), ("y", "+", "y"), ("+", "*", "q"), ("z", "*", "z"), ("*", "f", "f")]
RADIUS = 0.25


def draw_add_multiply(values: dict, grads: dict | None = None, ax=None):
    """The graph of f = (x + y) z; forward values in green above each edge, gradients df/d(.) in red below."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 3.2))
    for start, end, name in EDGES:
        a, b = np.array(NODES[start], dtype=float), np.array(NODES[end], dtype=float)
        unit = (b - a) / np.linalg.norm(b - a)
        normal = np.array([-unit[1], unit[0]])
        tail = a + unit * (RADIUS if start in "+*" else 0.15)
        head = b - unit * (RADIUS if end in "+*" else 0)
        ax.annotate("", head, tail, arrowprops=dict(arrowstyle="->", lw=1.2))
        middle = (tail + head) / 2
        ax.text(*(middle + 0.2 * normal), f"{name} = {values[name]:g}", color="green", ha="center", va="center")
        if grads is not None and name in grads:
            ax.text(*(middle - 0.2 * normal), f"{grads[name]:g}", color="red", ha="center", va="center")
    for node, (x, y) in NODES.items():
        if node in "+*":
            ax.add_patch(plt.Circle((x, y), RADIUS, fc="#eeeeee", ec="k"))
            ax.text(x, y, node, ha="center", va="center", fontsize=14)
        elif node != "f":
            ax.text(x - 0.05, y, node, ha="right", va="center", fontsize=13, style="italic")
    ax.set(xlim=(-0.5, 5.8), ylim=(-0.4, 2.8), aspect="equal")
    ax.axis("off")
    ax.set_title("forward values (green)" + (" and gradients df/d· (red)" if grads is not None else ""))
    return ax


def decision_regions(predict, X, y, ax=None, title=None, resolution=150):
    """The classes `predict` gives over the plane, shaded, with the labelled points (X, y) on top."""
    import matplotlib.pyplot as plt

    from course.figures.plots import CLASS_COLOURS

    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4))
    X = np.asarray(X, dtype=float)
    pad = 0.15 * (X.max(axis=0) - X.min(axis=0)) + 0.05
    (x0, y0), (x1, y1) = X.min(axis=0) - pad, X.max(axis=0) + pad
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    classes = np.asarray(predict(np.c_[gx.ravel(), gy.ravel()])).reshape(gx.shape)
    ax.contourf(gx, gy, classes, levels=[-0.5, 0.5, 1.5], colors=CLASS_COLOURS, alpha=0.15)
    for label in (0, 1):
        mask = np.asarray(y) == label
        ax.scatter(*X[mask].T, s=12, c=CLASS_COLOURS[label], edgecolors="k", linewidths=0.3, label=f"class {label}")
    ax.set(xlim=(x0, x1), ylim=(y0, y1), xlabel="$x_1$", ylabel="$x_2$")
    if title:
        ax.set_title(title)
    return ax


def gradient_norms(norms: dict, ax=None, title="Gradient norm per layer"):
    """One line per network: the norm of each layer's weight gradient, input layer first, on a log scale."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    for name, values in norms.items():
        ax.semilogy(np.arange(1, len(values) + 1), values, "o-", label=name)
    ax.set(xlabel="layer (1 = next to the input)", ylabel="‖dW‖", title=title)
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    return ax
