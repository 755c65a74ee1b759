"""Watch Keras train: a callback that redraws loss and accuracy after every epoch."""

from __future__ import annotations

import time
from functools import cache


def has_display() -> bool:
    """Whether a Jupyter front-end can show figures that are updated in place (an IPython kernel is running)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def draw(history: dict, figure=None, title: str | None = None):
    """Loss and accuracy per epoch (training and validation) on two panels of a matplotlib Figure."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = figure or Figure(figsize=(10, 3.2))
    figure.clear()
    axes = figure.subplots(1, 2)
    for ax, metric in zip(axes, ("loss", "accuracy"), strict=True):
        for prefix, label in (("", "training"), ("val_", "validation")):
            values = history.get(prefix + metric, [])
            if values:
                ax.plot(range(1, len(values) + 1), values, marker="o", label=label)
        ax.set(xlabel="epoch", ylabel=metric, title=metric)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
        if ax.lines:
            ax.legend()
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure


def png(figure) -> bytes:
    """A figure rendered as PNG bytes, which every notebook front-end shows (and can update in place)."""
    import io

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80)
    return buffer.getvalue()


@cache
def _callback_class():
    import keras

    class LivePlot(keras.callbacks.Callback):
        """Redraws loss and accuracy after each epoch in the notebook; without a display, one figure at the end."""

        def __init__(self, title=None, live=None):
            super().__init__()
            self.title, self.live = title, has_display() if live is None else live
            self.history, self.figure, self.handle, self.seconds = {}, None, None, 0.0

        def on_train_begin(self, logs=None):
            self.history, self.start = {}, time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            for key, value in (logs or {}).items():
                self.history.setdefault(key, []).append(float(value))
            if self.live:
                self.figure = draw(self.history, self.figure, self._title(epoch + 1))
                self._show()

        def on_train_end(self, logs=None):
            self.seconds = time.perf_counter() - self.start
            epochs = len(self.history.get("loss", []))
            self.figure = draw(self.history, self.figure, self._title(epochs))
            if not self.live:
                self._show()

        def _title(self, epochs):
            text = f"epoch {epochs}, {time.perf_counter() - self.start:.0f} s"
            return f"{self.title}: {text}" if self.title else text

        def _show(self):
            if not has_display():
                return  # a script: the figure stays in self.figure (e.g. to savefig)
            from IPython.display import Image, display

            image = Image(png(self.figure))
            if self.handle is None:
                self.handle = display(image, display_id=True)
            else:
                self.handle.update(image)

    return LivePlot


def live_plot(title: str | None = None, live: bool | None = None):
    """A Keras callback for fit(): a live loss/accuracy plot (live=None: live when a notebook can show it)."""
    return _callback_class()(title, live)
