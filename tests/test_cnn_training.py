"""compile_and_fit's check names the typical mistakes of a first compile + fit."""

import keras
import pytest
from conftest import failing

LOSS, METRICS = "sparse_categorical_crossentropy", ["accuracy"]


def fit(args, changes):
    """The reference compile + fit of args, with some keyword arguments changed (None: left out)."""
    model, x, y, validation_data, epochs, batch_size, optimizer, callbacks = args
    compile_args = {"optimizer": optimizer, "loss": LOSS, "metrics": METRICS}
    fit_args = {
        "validation_data": validation_data,
        "epochs": epochs,
        "batch_size": batch_size,
        "callbacks": list(callbacks),
        "verbose": 0,
    }
    for key, value in changes.items():
        target = compile_args if key in compile_args else fit_args
        if value is None:
            target.pop(key)
        else:
            target[key] = value
    model.compile(**compile_args)
    return model.fit(x, y, **fit_args)


def variant(**changes):
    def compile_and_fit(model, x, y, validation_data, epochs, batch_size=128, optimizer="adam", callbacks=()):
        return fit((model, x, y, validation_data, epochs, batch_size, optimizer, callbacks), changes)

    return compile_and_fit


@pytest.mark.parametrize(
    "changes, phrase",
    [
        ({"loss": "categorical_crossentropy"}, "sparse_categorical_crossentropy"),
        ({"loss": "mse"}, "loss 'mse'"),
        ({"metrics": None}, "metrics=['accuracy']"),
        ({"validation_data": None}, "validation_data=validation_data"),
        ({"batch_size": None}, "Keras's default is 32"),
        ({"epochs": 1}, "pass epochs=epochs"),
        ({"optimizer": "adam"}, "the `optimizer` argument"),
        ({"callbacks": None}, "callbacks=list(callbacks)"),
    ],
    ids=[
        "categorical loss",
        "mse",
        "no metric",
        "no validation",
        "batch size",
        "epochs",
        "fixed optimizer",
        "callbacks",
    ],
)
def test_typical_mistakes_are_named(changes, phrase):
    failing("cnn.compile_and_fit", variant(**changes), phrase)


def test_fit_without_compile():
    def no_compile(model, x, y, validation_data, epochs, batch_size=128, optimizer="adam", callbacks=()):
        return model.fit(x, y, validation_data=validation_data, epochs=epochs, batch_size=batch_size, verbose=0)

    failing("cnn.compile_and_fit", no_compile, "compile(...) first")


def test_returning_the_model_or_nothing():
    def returns_model(model, *args, **kwargs):
        variant()(model, *args, **kwargs)
        return model

    def returns_nothing(*args, **kwargs):
        variant()(*args, **kwargs)

    failing("cnn.compile_and_fit", returns_model, "returned the model", "History")
    failing("cnn.compile_and_fit", returns_nothing, "returned None", "History")


def test_training_a_copy_is_not_training_the_model():
    def trains_a_copy(model, *args, **kwargs):
        return variant()(keras.models.clone_model(model), *args, **kwargs)

    failing("cnn.compile_and_fit", trains_a_copy, "did not change the model's weights")
