"""Figures of notebook 06: the mapping types of sequence models, an RNN unfolded in time, an LSTM cell's gates."""

import matplotlib.pyplot as plt

COLOURS = {"x": "#f4a6a6", "h": "#9ecae1", "y": "#a1d99b"}

# Columns of (input, hidden, output) boxes drawn per time step, as in Karpathy's "Unreasonable Effectiveness" figure.
MAPPINGS = [
    ("one to one", "image → class", [(1, 1, 1)]),
    ("one to many", "image → caption", [(1, 1, 1), (0, 1, 1), (0, 1, 1)]),
    ("many to one", "review → sentiment", [(1, 1, 0), (1, 1, 0), (1, 1, 1)]),
    ("many to many", "translation", [(1, 1, 0), (1, 1, 0), (0, 1, 1), (0, 1, 1)]),
    ("many to many, aligned", "tag each video frame;\nnext character", [(1, 1, 1), (1, 1, 1), (1, 1, 1)]),
]


def _box(ax, x, y, kind, text=None):
    ax.add_patch(plt.Rectangle((x - 0.3, y - 0.3), 0.6, 0.6, color=COLOURS[kind], ec="k", lw=0.8))
    ax.text(x, y, text or kind, ha="center", va="center", fontsize=8)


def _arrow(ax, start, end):
    ax.annotate("", end, start, arrowprops={"arrowstyle": "->", "lw": 0.8})


def mapping_types(size=2.3):
    """Five panels: one-to-one, one-to-many, many-to-one, many-to-many (encoder-decoder and aligned)."""
    fig, axes = plt.subplots(1, len(MAPPINGS), figsize=(size * len(MAPPINGS), size * 1.3))
    for ax, (title, example, columns) in zip(axes, MAPPINGS, strict=True):
        for t, (has_x, has_h, has_y) in enumerate(columns):
            _box(ax, t, 1, "h") if has_h else None
            if has_x:
                _box(ax, t, 0, "x")
                _arrow(ax, (t, 0.3), (t, 0.7))
            if has_y:
                _box(ax, t, 2, "y")
                _arrow(ax, (t, 1.3), (t, 1.7))
            if t:
                _arrow(ax, (t - 0.7, 1), (t - 0.3, 1))
        ax.set_xlim(-0.6, 3.6)
        ax.set_ylim(-0.6, 2.6)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title(f"{title}\n{example}", fontsize=9)
    fig.tight_layout()
    return fig


def unfolded(steps=4):
    """The loop h_t = tanh(x_t Wx + h_{t-1} Wh + b) folded (left) and unfolded over `steps` steps (right)."""
    fig, ax = plt.subplots(figsize=(2.0 + 1.6 * steps, 2.6))
    _box(ax, 0, 1, "h", "h")
    _box(ax, 0, 0, "x")
    _arrow(ax, (0, 0.3), (0, 0.7))
    ax.annotate("", (0.3, 1.15), (0.3, 0.85), arrowprops={"arrowstyle": "->", "connectionstyle": "arc3,rad=-2.5"})
    ax.text(0.85, 1.0, "Wh", fontsize=8)
    ax.text(0.1, 0.45, "Wx", fontsize=8)
    ax.text(1.3, 1.0, "=", fontsize=16, va="center")
    for t in range(steps):
        x = 2.2 + 1.4 * t
        _box(ax, x, 1, "h", f"h{t + 1}")
        _box(ax, x, 0, "x", f"x{t + 1}")
        _arrow(ax, (x, 0.3), (x, 0.7))
        ax.text(x + 0.05, 0.45, "Wx", fontsize=7)
        _arrow(ax, (x - 1.1, 1), (x - 0.3, 1))
        ax.text(x - 0.85, 1.08, "Wh" if t else "h0", fontsize=7)
    ax.set_xlim(-0.6, 2.8 + 1.4 * steps)
    ax.set_ylim(-0.5, 1.6)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("An RNN folded and unfolded in time: the same Wx, Wh and b at every step", fontsize=9)
    fig.tight_layout()
    return fig


def lstm_cell():
    """The LSTM cell: the cell state c runs along the top, changed by the forget and input gates only; the output
    gate o multiplies tanh(c_t) on a branch below it, to give h_t."""
    fig, ax = plt.subplots(figsize=(7.5, 3.2))
    ax.add_patch(plt.Rectangle((0, 0), 7, 3, fc="#f7f7f7", ec="k"))
    ax.annotate("", (7.6, 2.5), (-0.6, 2.5), arrowprops={"arrowstyle": "->", "lw": 2})
    ax.text(-0.6, 2.65, "c_{t-1}", fontsize=9)
    ax.text(7.2, 2.65, "c_t", fontsize=9)
    ax.annotate("", (7.6, 0.4), (-0.6, 0.4), arrowprops={"arrowstyle": "->", "lw": 1, "ls": "--"})
    ax.text(-0.6, 0.15, "h_{t-1}, x_t", fontsize=9)
    ax.text(7.2, 0.15, "h_t", fontsize=9)
    for x, y, op in ((1.5, 2.5, "×"), (3.2, 2.5, "+"), (5.9, 1.0, "×")):
        ax.add_patch(plt.Circle((x, y), 0.22, fc="white", ec="k"))
        ax.text(x, y, op, ha="center", va="center", fontsize=12)
    box = {"fc": "#fdd0a2"}
    ax.text(1.5, 1.35, "f = σ(·)\nforget", ha="center", va="center", fontsize=8, bbox=box)
    _arrow(ax, (1.5, 1.7), (1.5, 2.25))
    ax.text(3.2, 1.35, "i = σ(·), g = tanh(·)\ninput × candidate", ha="center", va="center", fontsize=8, bbox=box)
    _arrow(ax, (3.2, 1.7), (3.2, 2.25))
    ax.plot([5.9], [2.5], "ko", ms=4)  # c_t branches off; the cell state itself goes on unchanged
    ax.text(5.9, 1.85, "tanh", ha="center", va="center", fontsize=8, bbox={"fc": "white"})
    _arrow(ax, (5.9, 2.45), (5.9, 2.05))
    _arrow(ax, (5.9, 1.65), (5.9, 1.22))
    ax.text(4.85, 0.95, "o = σ(·)\noutput", ha="center", va="center", fontsize=8, bbox=box)
    _arrow(ax, (5.3, 1.0), (5.68, 1.0))
    _arrow(ax, (5.9, 0.78), (5.9, 0.45))
    ax.text(6.05, 0.55, "h_t = o × tanh(c_t)", fontsize=8)
    ax.set_xlim(-0.8, 7.9)
    ax.set_ylim(-0.1, 3.2)
    ax.axis("off")
    ax.set_title("An LSTM cell (Keras gate order: input i, forget f, candidate g, output o)", fontsize=9)
    return fig
