"""The checks of the MLP's backward pass and of one training epoch name typical mistakes; the references are right."""

import conftest
import numpy as np
import pytest

from course import grade
from course.references import backprop as ref


def failing(exercise, answer, *phrases):
    return conftest.failing(f"backprop.{exercise}", answer, *phrases)


def test_reference_backward_pass_agrees_with_numerical_gradients():
    rng = np.random.default_rng(0)
    params = ref.init_mlp([3, 4, 4, 2], rng, std=lambda d: 1.0)
    X, y = rng.normal(size=(5, 3)), np.array([0, 1, 1, 0, 1])
    for act, act_grad in ((ref.sigmoid, ref.sigmoid_grad), (ref.relu, ref.relu_grad)):
        _, grads = ref.mlp_loss_and_grads(params, X, y, act, act_grad)
        for i, p in enumerate(params):

            def loss_of(value, i=i, act=act, act_grad=act_grad):
                trial = list(params)
                trial[i] = value
                return ref.mlp_loss_and_grads(trial, X, y, act, act_grad)[0]

            np.testing.assert_allclose(grads[i], ref.numerical_gradient(loss_of, p), atol=1e-7)


def backward(dZ, cache, params, act_grad, **wrong):
    """A learner's mlp_backward written with dense_backward, with one of the typical mistakes switched on."""
    return ref.mlp_backward(dZ, cache, params, act_grad, **wrong)


@pytest.mark.parametrize(
    "wrong, phrase",
    [
        ({"skip_act_grad": True}, "multiply by the activation's derivative"),
        ({"same_layer_z": True}, "pre-activation of the layer below"),
        ({"grad_of_a": True}, "not the activation A = act(Z)"),
        ({"pairs_reversed": True}, "in the order of params"),
    ],
)
def test_mlp_backward_mistakes(wrong, phrase):
    result = failing("mlp_backward", lambda *args: backward(*args, **wrong), phrase)
    assert result.mistake


def test_mlp_backward_other_wrong_answers():
    failing("mlp_backward", lambda dZ, cache, params, g: backward(dZ, cache, params, g)[:-2], "6 gradients")

    def db_as_mean(dZ, cache, params, act_grad):
        grads = backward(dZ, cache, params, act_grad)
        return [g / len(dZ) if i % 2 else g for i, g in enumerate(grads)]

    failing("mlp_backward", db_as_mean, "expected")

    def zeroes_params(dZ, cache, params, act_grad):
        grads = backward(dZ, cache, params, act_grad)
        for p in params:
            p[...] = 0
        return grads

    failing("mlp_backward", zeroes_params, "in place")


def epoch(params, X, y, lr, batch_size, rng, **wrong):
    return ref.train_epoch(params, X, y, lr, batch_size, rng, **wrong)


@pytest.mark.parametrize(
    "wrong, phrase",
    [
        ({"shuffle": False}, "shuffle first"),
        ({"drop_last": True}, "keep the last, shorter batch"),
        ({"loss_of": "last"}, "not the last batch's"),
        ({"loss_of": "sum"}, "that is the sum"),
        ({"loss_of": "per_sample"}, "not weighted by batch size"),
    ],
)
def test_train_epoch_mistakes(wrong, phrase):
    result = failing("train_epoch", lambda *args: epoch(*args, **wrong), phrase)
    assert result.mistake


def test_train_epoch_other_wrong_answers():
    failing("train_epoch", lambda params, X, y, lr, b, rng: (params, epoch(params, X, y, lr, b, rng)[1]), "updated")
    failing("train_epoch", lambda *args: epoch(*args)[0], "expected a tuple (params, mean_loss)")

    def shuffles_X_in_place(params, X, y, lr, batch_size, rng):
        rng.shuffle(X)
        return epoch(params, X, y, lr, batch_size, rng)

    failing("train_epoch", shuffles_X_in_place, "in place")


def test_solution_notebook_answers_pass():
    for name in ("mlp_backward", "train_epoch"):
        result = grade(f"backprop.{name}", conftest.notebook_function("02_backprop.ipynb", name))
        assert result.passed, result.feedback
