"""Checks of notebook 04's training exercise, `compile_and_fit`: run on a tiny model and 320 MNIST digits.

The learner's function runs where their code runs (a submission's kernel for the grader), inside the adapter
`adapters.fit_report`, which reports what it did. That report is trusted only to fail an answer (it names the
mistake); to pass, the weights it trained must equal those of the course's own fit with the same settings, seed and
data, recomputed here, outside the kernel.
"""

from __future__ import annotations

import functools
import math

from course.checks import inputs
from course.checks.kit import Mistake, WrongType, adapter, call, cases, fmt, label, same
from course.grading.registry import register
from course.references import cnn as ref

FIT_REPORT = adapter("course.checks.adapters:fit_report")
N_TRAIN = 256
SPARSE_CE = {"sparse_categorical_crossentropy", "SparseCategoricalCrossentropy"}
CATEGORICAL_CE = {"categorical_crossentropy", "CategoricalCrossentropy"}


def _run(fn, epochs, batch_size, optimizer=None):
    """What compile_and_fit did in one call, and how feedback shows that call."""
    shown = f"compile_and_fit(model, x, y, (x_val, y_val), epochs={epochs}, batch_size={batch_size}"
    shown += f", optimizer=keras.optimizers.{optimizer}(0.05), callbacks=(counter,))" if optimizer else ")"
    shown = label("compile_and_fit", shown)
    inputs.small_mnist()  # load the data before the clock of the call starts
    report = call(fn, epochs, batch_size, optimizer, wrap=FIT_REPORT, shown=shown)
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
            f"{shown} trained {history['loss']} epoch(s), expected {fmt(epochs)}: pass epochs=epochs to fit.",
            "epochs ignored",
        )
    expected = epochs * math.ceil(N_TRAIN / batch_size)
    if report["steps"] != expected:
        default = report["steps"] == epochs * math.ceil(N_TRAIN / 32)
        raise Mistake(
            f"{shown} made {report['steps']} optimiser steps; {N_TRAIN} images in batches of {fmt(batch_size)} "
            f"for {fmt(epochs)} epoch(s) are {fmt(expected)}: pass batch_size=batch_size to model.fit(...)"
            + (" (Keras's default is 32)." if default else "."),
            "batch size ignored",
        )


@functools.cache
def reference_weights(epochs: int, batch_size: int, optimizer: str | None) -> list:
    """The tiny model's weights after the course's compile_and_fit with these settings, from the same seed and data."""
    import keras

    keras.utils.set_random_seed(0)
    model = inputs.tiny_model()
    x, y, x_val, y_val = inputs.small_mnist()
    extra = [] if optimizer is None else [getattr(keras.optimizers, optimizer)(0.05)]
    ref.compile_and_fit(model, x, y, (x_val, y_val), epochs, batch_size, *extra)
    return [w.copy() for w in model.get_weights()]


def _verify(report, shown, epochs, batch_size, optimizer):
    """Pass only if the trained weights that came back equal a fit with these settings done here."""
    weights, expected = report.get("weights"), reference_weights(epochs, batch_size, optimizer)
    if not isinstance(weights, list | tuple) or len(weights) != len(expected):
        raise WrongType(f"{shown}: the trained model's weights did not come back.")
    if not all(same(w, e, atol=1e-4, rtol=1e-3) for w, e in zip(weights, expected, strict=True)):
        raise Mistake(
            f"{shown} trained weights that differ from model.fit with these settings: compile with the given "
            "optimizer, loss='sparse_categorical_crossentropy', and fit on x, y for `epochs` epochs of `batch_size`.",
            "weights differ from the settings' fit",
        )


def _check_call(fn, epochs, batch_size, optimizer=None):
    report, shown = _run(fn, epochs, batch_size, optimizer)
    _expect_history(report, shown, epochs, batch_size)
    if optimizer is None and report["optimizer"] not in ("adam", "Adam"):
        raise Mistake(
            f"{shown} trained with {report['optimizer']}; by default (optimizer='adam') use Adam.", "optimizer ignored"
        )
    if optimizer is not None:
        rate = report["learning_rate"]
        if report["optimizer"] != optimizer or not math.isclose(rate, 0.05, rel_tol=1e-6):
            raise Mistake(
                f"{shown} trained with {fmt(report['optimizer'])} at learning rate {fmt(rate)}: "
                "compile with the `optimizer` argument.",
                "optimizer ignored",
            )
        if report["epochs_seen"] != epochs:
            raise Mistake(
                f"{shown} never called the callback: pass callbacks=list(callbacks) to model.fit(...).",
                "callbacks ignored",
            )
    _verify(report, shown, epochs, batch_size, optimizer)


def _hidden_settings(rng):
    """Hidden settings: 1 or 2 epochs, a batch size that is neither Keras's 32 nor the visible ones, an optimiser."""
    optimizer = [None, "SGD", "RMSprop"][int(rng.integers(3))]
    return int(rng.integers(1, 3)), int(rng.choice([16, 40, 48, 100])), optimizer


@register("cnn.compile_and_fit")
def check_compile_and_fit(fn):
    for epochs, batch_size, optimizer in cases([(2, 64, None), (1, 32, "SGD")], _hidden_settings):
        _check_call(fn, epochs, batch_size, optimizer)
