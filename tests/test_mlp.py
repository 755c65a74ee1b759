"""The checks of the MLP's loss gradient, forward and backward passes and training epoch name typical mistakes; the
references are right; an exercise whose earlier exercise fails is told to fix that one first."""

import types

import conftest
import numpy as np
import pytest

import course
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


def test_softmax_cross_entropy_grad_mistakes():
    def one_hot(P, y):
        return np.eye(P.shape[1])[y]

    failing("softmax_cross_entropy_grad", lambda P, y: P - one_hot(P, y), "divide by n")
    failing("softmax_cross_entropy_grad", lambda P, y: (P - y) / len(y), "one-hot labels Y")
    failing("softmax_cross_entropy_grad", lambda P, y: (one_hot(P, y) - P) / len(y), "sign error")
    failing("softmax_cross_entropy_grad", lambda P, y: (P - one_hot(P, y)) / P.shape[1], "not by the number of classes")

    def in_place(P, y):
        P[np.arange(len(y)), y] -= 1
        return P / len(y)

    failing("softmax_cross_entropy_grad", in_place, "changed its argument #1 in place", "P.copy()")


def forward(params, X, act=ref.relu, **wrong):
    return ref.mlp_forward(params, X, act, **wrong)


def wrong_layer(params, X, act=ref.relu):
    """Layer l takes params[l] and params[l + 1]: from the second layer on, a bias as weights."""
    A, cache, layers = X, [], len(params) // 2
    for layer in range(layers):
        Z = A @ params[layer] + params[layer + 1]
        cache.append((A, Z))
        A = act(Z) if layer + 1 < layers else Z
    return A, cache


def test_mlp_forward_mistakes():
    failing("mlp_forward", lambda p, X, act=ref.relu: forward(p, X, act, act_on_logits=True), "the logits stay linear")
    failing("mlp_forward", lambda p, X, act=ref.relu: forward(p, X, act, pair="ZA"), "its input A first, then Z")
    failing("mlp_forward", lambda p, X, act=ref.relu: forward(p, X, act, cache_of="output"), "X for the first layer")
    failing("mlp_forward", wrong_layer, "params[2*l]", "params[2*l + 1]")
    failing("mlp_forward", lambda p, X, act=ref.relu: forward(p, X, ref.sigmoid), "expected")  # act ignored
    failing("mlp_forward", lambda p, X, act: forward(p, X, act), "missing 1 required")  # no default act=relu
    failing("mlp_forward", lambda p, X, act=ref.relu: forward(p, X, act)[0], "expected a tuple (logits, cache)")


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
        ({"pairs_reversed": True}, "dW at [2*l] and db at [2*l + 1]"),
        ({"flat_reversed": True}, "reversing a list of (dW, db) pairs swaps each pair"),
    ],
)
def test_mlp_backward_mistakes(wrong, phrase):
    result = failing(
        "mlp_backward", lambda dZ, cache, params, g=ref.relu_grad: backward(dZ, cache, params, g, **wrong), phrase
    )
    assert result.mistake


def test_mlp_backward_mistake_without_the_default_act_grad():
    """No default act_grad passed every case that gave one, then crashed on the notebook's mlp_backward(dZ, cache, params)."""
    result = failing("mlp_backward", backward, "missing 1 required", "act_grad=relu_grad")
    assert result.mistake == "no default act_grad"


def test_mlp_backward_other_wrong_answers():
    failing(
        "mlp_backward", lambda dZ, cache, params, g=ref.relu_grad: backward(dZ, cache, params, g)[:-2], "6 gradients"
    )

    def db_as_mean(dZ, cache, params, act_grad=ref.relu_grad):
        grads = backward(dZ, cache, params, act_grad)
        return [g / len(dZ) if i % 2 else g for i, g in enumerate(grads)]

    failing("mlp_backward", db_as_mean, "expected")

    def zeroes_params(dZ, cache, params, act_grad=ref.relu_grad):
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


def notebook(**replaced):
    """Notebook 02's functions in a namespace of their own, as a learner's kernel holds them, some replaced."""
    original = conftest.notebook_definitions("solutions", "02_backprop.ipynb")
    namespace = dict(original)
    for name, value in original.items():
        if isinstance(value, types.FunctionType) and value.__globals__ is original:
            namespace[name] = types.FunctionType(value.__code__, namespace, name, value.__defaults__, value.__closure__)
    namespace.update(replaced)
    return namespace


def test_an_exercise_whose_earlier_exercise_fails_says_fix_that_one_first():
    def mlp_backward(dZ, cache, params, act_grad=ref.relu_grad):  # W2's gradient where W1's belongs
        return ref.mlp_backward(dZ, cache, params, act_grad, pairs_reversed=True)

    result = grade("backprop.train_epoch", notebook(mlp_backward=mlp_backward)["train_epoch"])
    assert not result.passed and "broadcast" not in result.feedback
    assert "your `mlp_backward` fails its own check: fix it first" in result.feedback, result.feedback
    assert result.mistake == "mlp_backward fails its own check"

    def dense_backward(dZ, X, W):  # mlp_backward calls it: the earliest cause is named
        return ref.dense_backward(dZ, X, W)[0], X.T @ dZ / len(X), dZ.sum(axis=0)

    result = grade("backprop.train_epoch", notebook(dense_backward=dense_backward)["train_epoch"])
    assert "your `dense_backward` fails its own check" in result.feedback, result.feedback


def test_an_unfinished_earlier_exercise_is_named_rather_than_the_one_checked():
    def mlp_backward(dZ, cache, params, act_grad=ref.relu_grad):
        raise NotImplementedError()

    result = grade("backprop.train_epoch", notebook(mlp_backward=mlp_backward)["train_epoch"])
    assert "your `mlp_backward` fails its own check: fix it first" in result.feedback, result.feedback


def test_with_right_earlier_exercises_the_feedback_is_the_check_s_own():
    assert grade("backprop.train_epoch", notebook()["train_epoch"]).passed
    skipped = notebook(mlp_backward=course.reference("backprop.mlp_backward"))  # a skipped exercise counts as right
    assert grade("backprop.train_epoch", skipped["train_epoch"]).passed

    def train_epoch(params, X, y, lr, batch_size, rng):  # no shuffling: its own mistake, named
        for i in range(0, len(X), batch_size):
            loss, grads = mlp_loss_and_grads(params, X[i : i + batch_size], y[i : i + batch_size])  # noqa: F821
            params = sgd_step(params, grads, lr)  # noqa: F821
        return params, loss

    namespace = notebook()
    train_epoch = types.FunctionType(train_epoch.__code__, namespace, "train_epoch")
    result = grade("backprop.train_epoch", train_epoch)
    assert not result.passed and "shuffle first" in result.feedback and "fix it first" not in result.feedback


def test_solution_notebook_answers_pass():
    for name in ("softmax_cross_entropy_grad", "mlp_forward", "mlp_backward", "train_epoch"):
        result = grade(f"backprop.{name}", conftest.notebook_function("02_backprop.ipynb", name))
        assert result.passed, result.feedback
