"""Checks of notebook 04's training exercise, `compile_and_fit`: run on a tiny model and 320 MNIST digits."""

from __future__ import annotations

import math

import numpy as np

from course.checks.kit import Mistake, WrongType, call
from course.grading.registry import register
from course.references import cnn as ref

N_TRAIN = 256
SPARSE_CE = {"sparse_categorical_crossentropy", "SparseCategoricalCrossentropy"}
CATEGORICAL_CE = {"categorical_crossentropy", "CategoricalCrossentropy"}


def _name(thing) -> str | None:
    """A loss or optimiser as a short name: a string as is, a function by its name, an object by its class."""
    if thing is None or isinstance(thing, str):
        return thing
    return getattr(thing, "__name__", None) or type(thing).__name__


def fit_report(fn, epochs: int, batch_size: int, optimizer: str | None) -> dict:
    """Run fn(model, x, y, (x_val, y_val), epochs, batch_size[, optimizer, callbacks]) on a tiny model: plain facts.

    Runs where the learner's code runs (in a submission's kernel for the grader). `optimizer` is the name of a
    `keras.optimizers` class, passed with learning rate 0.05 and an epoch-counting callback; None keeps the defaults.
    """
    import keras

    keras.utils.set_random_seed(0)
    model = ref.tiny_model()
    x, y, x_val, y_val = ref.small_mnist()
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
    )
    return report


def _run(fn, epochs, batch_size, optimizer=None):
    """What compile_and_fit did in one call, and how feedback shows that call."""
    shown = f"compile_and_fit(model, x, y, (x_val, y_val), epochs={epochs}, batch_size={batch_size}"
    shown += f", optimizer=keras.optimizers.{optimizer}(0.05), callbacks=(counter,))" if optimizer else ")"
    ref.small_mnist()  # load the data before the clock of the call starts
    wrap = "lambda f, *args: course.checks.cnn_training.fit_report(f, *args)"
    report = call(fn, epochs, batch_size, optimizer, wrap=wrap, shown=shown)
    if not isinstance(report, dict):  # the course's own helper returns a dict; anything else is not a report
        raise WrongType(f"{shown} could not be run on a small model.")
    return report, shown


def _expect_history(report, shown, epochs, batch_size):
    """Name the first thing wrong in what one call of compile_and_fit did."""
    loss = report["loss"]
    if report["error"]:
        if loss in CATEGORICAL_CE:
            raise Mistake(
                f"{shown} raised {report['error']}: the labels are integers 0-9, so use "
                "loss='sparse_categorical_crossentropy' ('categorical_crossentropy' wants one-hot labels).",
                "categorical loss for integer labels",
            )
        if loss is not None and loss not in SPARSE_CE:
            raise Mistake(
                f"{shown} raised {report['error']} with loss {loss!r}: for integer labels 0-9 use "
                "loss='sparse_categorical_crossentropy'.",
                "wrong loss",
            )
        if report["optimizer"] is None:
            raise Mistake(
                f"{shown} raised {report['error']}: {report['message']} Call model.compile(...) first.",
                "fit without compile",
            )
        raise Mistake(f"{shown} raised {report['error']}: {report['message']}")
    if report["returned_model"]:
        raise WrongType(
            f"{shown} returned the model; return the History that model.fit(...) returns.", "returned model"
        )
    if report["history"] is None:
        got = "None" if report["returned"] == "NoneType" else f"a {report['returned']}"
        raise WrongType(f"{shown} returned {got}; return the History that model.fit(...) returns.")
    if report["optimizer"] is None or not report["trained"]:
        raise Mistake(
            f"{shown} did not change the model's weights: compile and fit the model you are given.", "not trained"
        )
    if loss not in SPARSE_CE:
        raise Mistake(
            f"{shown} compiled with loss {loss!r}; for integer labels 0-9 use 'sparse_categorical_crossentropy'.",
            "wrong loss",
        )
    history = report["history"]
    if "accuracy" not in history:
        raise Mistake(f"{shown} reports only {sorted(history)}: compile with metrics=['accuracy'].", "no accuracy")
    if "val_loss" not in history:
        raise Mistake(
            f"{shown} reports no val_loss: pass validation_data=validation_data to model.fit(...).",
            "no validation data",
        )
    if history["loss"] != epochs:
        raise Mistake(
            f"{shown} trained {history['loss']} epoch(s), expected {epochs}: pass epochs=epochs to fit.",
            "epochs ignored",
        )
    expected = epochs * math.ceil(N_TRAIN / batch_size)
    if report["steps"] != expected:
        default = report["steps"] == epochs * math.ceil(N_TRAIN / 32)
        raise Mistake(
            f"{shown} made {report['steps']} optimiser steps; {N_TRAIN} images in batches of {batch_size} "
            f"for {epochs} epoch(s) are {expected}: pass batch_size=batch_size to model.fit(...)"
            + (" (Keras's default is 32)." if default else "."),
            "batch size ignored",
        )


@register("cnn.compile_and_fit")
def check_compile_and_fit(fn):
    report, shown = _run(fn, 2, 64)
    _expect_history(report, shown, 2, 64)
    if report["optimizer"] not in ("adam", "Adam"):
        raise Mistake(
            f"{shown} trained with {report['optimizer']}; by default (optimizer='adam') use Adam.", "optimizer ignored"
        )
    report, shown = _run(fn, 1, 32, "SGD")
    _expect_history(report, shown, 1, 32)
    if report["optimizer"] != "SGD" or not math.isclose(report["learning_rate"], 0.05, rel_tol=1e-6):
        raise Mistake(
            f"{shown} trained with {report['optimizer']} at learning rate {report['learning_rate']:g}: "
            "compile with the `optimizer` argument.",
            "optimizer ignored",
        )
    if report["epochs_seen"] != 1:
        raise Mistake(
            f"{shown} never called the callback: pass callbacks=list(callbacks) to model.fit(...).", "callbacks ignored"
        )
