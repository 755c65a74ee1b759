"""Figures the notebooks share (matplotlib): decision boundaries, curves, image grids."""

from __future__ import annotations

import numpy as np

CLASS_COLOURS = ("#d62728", "#1f77b4")  # class 0 red, class 1 blue


def _axes(ax, figsize=(4, 4)):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def decision_boundary(X, y, w, b, ax=None, title=None, limits=None):
    """Points of two classes and the line w . x + b = 0 of a linear classifier, its positive side shaded."""
    X, y, w = np.asarray(X, dtype=float), np.asarray(y), np.asarray(w, dtype=float)
    ax = _axes(ax)
    if limits is None:
        low, high = X.min(axis=0), X.max(axis=0)
        pad = 0.25 * np.maximum(high - low, 1.0)
        limits = (low[0] - pad[0], high[0] + pad[0], low[1] - pad[1], high[1] + pad[1])
    x0, x1, y0, y1 = limits
    gx, gy = np.meshgrid(np.linspace(x0, x1, 200), np.linspace(y0, y1, 200))
    positive = (gx * w[0] + gy * w[1] + b) > 0
    ax.contourf(gx, gy, positive, levels=[-0.5, 0.5, 1.5], colors=[CLASS_COLOURS[0], CLASS_COLOURS[1]], alpha=0.12)
    if np.any(w != 0):
        ax.contour(gx, gy, gx * w[0] + gy * w[1] + b, levels=[0], colors="k", linewidths=1.5)
    for label in (0, 1):
        mask = y == label
        ax.scatter(
            X[mask, 0], X[mask, 1], c=CLASS_COLOURS[label], edgecolors="k", s=60, label=f"class {label}", zorder=3
        )
    ax.set(xlim=(x0, x1), ylim=(y0, y1), xlabel="$x_1$", ylabel="$x_2$")
    if title:
        ax.set_title(title)
    return ax


def decision_boundaries(X, y, states, titles=None, ncols=5, size=2.4):
    """Small multiples: one decision boundary per (w, b) in `states`, e.g. after each epoch."""
    import matplotlib.pyplot as plt

    nrows = -(-len(states) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i >= len(states):
            ax.axis("off")
            continue
        w, b = states[i]
        decision_boundary(X, y, w, b, ax=ax, title=titles[i] if titles else None)
        ax.set(xlabel=None, ylabel=None)
    fig.tight_layout()
    return fig


def curves(series: dict, xlabel="epoch", ylabel="value", title=None, ax=None, start=1, marker="o"):
    """One line per named sequence, e.g. mistakes per epoch or a loss curve; x counts from `start`."""
    ax = _axes(ax, figsize=(6, 3.5))
    for name, values in series.items():
        values = np.asarray(values, dtype=float)
        ax.plot(np.arange(start, start + len(values)), values, marker=marker, label=name)
    ax.set(xlabel=xlabel, ylabel=ylabel)
    if title:
        ax.set_title(title)
    if len(series) > 1:
        ax.legend()
    ax.grid(alpha=0.3)
    return ax


def image_grid(images, labels=None, ncols=8, size=1.2, cmap="gray", title=None):
    """A grid of images (n, H, W) or (n, H, W, C) with optional labels above each."""
    import matplotlib.pyplot as plt

    images = np.asarray(images)
    nrows = -(-len(images) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + 0.3), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < len(images):
            image = images[i].squeeze() if images[i].ndim == 3 and images[i].shape[-1] == 1 else images[i]
            ax.imshow(image, cmap=cmap if image.ndim == 2 else None)
            if labels is not None:
                ax.set_title(str(labels[i]), fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
