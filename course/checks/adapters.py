"""Adapters that `kit.call` runs around a learner's function where the learner's code runs (`wrap=` by import path).

Each takes the learner's function first and returns plain data. What they compute comes from the submission's
kernel, so a check trusts it only as far as its docstring says (docs/grading.md: what is checked where).
"""

from __future__ import annotations

import numpy as np

from course.checks import inputs


def loop_count(fn, *args):
    """fn(*args) and how often its most repeated line ran, stopped at 1,000 repeats (`course.loops`)."""
    from course.grading import loops

    return loops.most_repeated(fn, *args, limit=1000)


def as_model(fn, x, filters):
    """`keras.Model(x, fn(x, filters))`: a block built on a symbolic input, as a model the grader can read."""
    import keras

    return keras.Model(x, fn(x, filters))


def fit_report(fn, epochs: int, batch_size: int, optimizer: str | None) -> dict:
    """Run fn(model, x, y, (x_val, y_val), epochs, batch_size[, optimizer, callbacks]) on a tiny model: plain facts.

    Runs where the learner's code runs (in a submission's kernel for the grader). `optimizer` is the name of a
    `keras.optimizers` class, passed with learning rate 0.05 and an epoch-counting callback; None keeps the defaults.
    The report names mistakes; the trained `weights` it carries are what the check verifies outside the kernel.
    """
    import keras

    keras.utils.set_random_seed(0)
    model = inputs.tiny_model()
    x, y, x_val, y_val = (a.copy() for a in inputs.small_mnist())  # copies: the learner may change what it gets
    before = [w.copy() for w in model.get_weights()]
    seen = []
    args = [model, x, y, (x_val, y_val), epochs, batch_size]
    if optimizer is not None:
        counter = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(epoch))
        args += [getattr(keras.optimizers, optimizer)(0.05), (counter,)]
    report = {"error": None, "message": None}
    try:
        result = fn(*args)
    except NotImplementedError:
        raise
    except Exception as e:  # named by the check, with what compile() was given
        report.update(error=type(e).__name__, message=str(e)[:100])
        result = None
    compiled = getattr(model, "compiled", False) and getattr(model, "optimizer", None) is not None
    report.update(
        returned=type(result).__name__,
        returned_model=result is model,
        history={k: len(v) for k, v in result.history.items()} if isinstance(result, keras.callbacks.History) else None,
        loss=_name(getattr(model, "loss", None)) if compiled else None,
        optimizer=_name(model.optimizer) if compiled else None,
        learning_rate=float(np.asarray(model.optimizer.learning_rate)) if compiled else None,
        steps=int(model.optimizer.iterations.numpy()) if compiled else 0,
        epochs_seen=len(seen) if optimizer is not None else None,
        trained=any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights(), strict=True)),
        weights=[np.asarray(w) for w in model.get_weights()],
    )
    return report


def _name(thing) -> str | None:
    """A loss or optimiser as a short name: a string as is, a function by its name, an object by its class."""
    if thing is None or isinstance(thing, str):
        return thing
    return getattr(thing, "__name__", None) or type(thing).__name__


def channel_slices(fn, image, kernel, *args):
    """fn(images[:, :, 1], kernels[:, :, 1], *args): image and kernel as float32 channels sliced out of a stack.

    The slices are views that are not contiguous, as notebook 03 passes one channel of its float32 digits at a time;
    the check recomputes the expected output from the image and kernel it sent.
    """
    images = np.stack([np.zeros_like(image), image], axis=-1).astype("float32")
    kernels = np.stack([np.zeros_like(kernel), kernel], axis=-1).astype("float32")
    return fn(images[:, :, 1], kernels[:, :, 1], *args)


def result_type(fn, *args):
    """The type of fn(*args)'s result, as `module.name` (e.g. `numpy.ndarray`): trusted only to fail an answer."""
    out = fn(*args)
    return f"{type(out).__module__}.{type(out).__qualname__}"
