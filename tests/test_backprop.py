"""The backprop checks name typical mistakes and give feedback, never a crash, on odd answers."""

import conftest
import numpy as np
import pytest
from scipy.special import expit
from scipy.special import softmax as scipy_softmax

from course import grade
from course.references import backprop as ref

NAMES = [
    "sgd_step",
    "chain_rule_example",
    "sigmoid",
    "sigmoid_grad",
    "relu",
    "relu_grad",
    "softmax",
    "dense_forward",
    "dense_backward",
    "cross_entropy",
    "numerical_gradient",
    "softmax_cross_entropy_grad",
    "mlp_forward",
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    "answer, phrase",
    [
        (lambda *args: None, "returned None"),
        (lambda *args: "text", ""),
        (lambda *args: 1 / 0, "raised ZeroDivisionError"),
        (lambda *args: [[1.0, 2.0], [3.0]], ""),
        (lambda *args: np.full((7, 7), np.nan), ""),
    ],
)
def test_odd_answers_get_feedback_not_a_crash(name, answer, phrase):
    result = grade(f"backprop.{name}", answer)
    assert not result.passed
    assert "could not check" not in result.feedback, result.feedback
    assert phrase in result.feedback


def failing(exercise, answer, *phrases):
    return conftest.failing(f"backprop.{exercise}", answer, *phrases)


def test_reference_answers_agree_with_libraries_and_with_each_other():
    z = np.linspace(-800, 800, 17)
    np.testing.assert_allclose(ref.sigmoid(z), expit(z), atol=1e-15)
    Z = np.array([[1000.0, 1001.0, 999.0], [-3.0, 0.0, 2.0]])
    np.testing.assert_allclose(ref.softmax(Z), scipy_softmax(Z, axis=-1))
    P, y = scipy_softmax(np.arange(12.0).reshape(4, 3) % 5, axis=1), np.array([0, 2, 1, 1])
    assert np.isclose(ref.cross_entropy(P, y), -np.mean(np.log(P[np.arange(4), y])))
    # dense_backward is the gradient of sum(dZ * dense_forward(X, W, b)), checked numerically
    rng = np.random.default_rng(0)
    X, W, b, dZ = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=2), rng.normal(size=(4, 2))
    dX, dW, db = ref.dense_backward(dZ, X, W)
    np.testing.assert_allclose(
        dX, ref.numerical_gradient(lambda v: np.sum(dZ * ref.dense_forward(v, W, b)), X), atol=1e-8
    )
    np.testing.assert_allclose(
        dW, ref.numerical_gradient(lambda v: np.sum(dZ * ref.dense_forward(X, v, b)), W), atol=1e-8
    )
    np.testing.assert_allclose(
        db, ref.numerical_gradient(lambda v: np.sum(dZ * ref.dense_forward(X, W, v)), b), atol=1e-8
    )
    np.testing.assert_allclose(
        ref.sigmoid_grad(z[5:12]), ref.numerical_gradient(lambda v: ref.sigmoid(v).sum(), z[5:12])
    )
    assert ref.chain_rule_example(-2.0, 5.0, -4.0) == (-12.0, -4.0, -4.0, 3.0)


def test_sgd_step_mistakes():
    failing("sgd_step", lambda ps, gs, lr: [p + lr * g for p, g in zip(ps, gs, strict=True)], "sign error")
    failing("sgd_step", lambda ps, gs, lr: [p - g for p, g in zip(ps, gs, strict=True)], "learning rate lr is missing")
    failing("sgd_step", lambda ps, gs, lr: (p - lr * g for p, g in zip(ps, gs, strict=True)), "return a list of arrays")

    def in_place(params, grads, lr):
        for p, g in zip(params, grads, strict=True):
            p -= lr * g
        return params

    failing("sgd_step", in_place, "changed its argument #1 in place")


def test_sgd_step_mistake_on_plain_numbers():
    """Copying each parameter first passed on arrays, then crashed on the line fit's plain numbers [w, b]."""

    def copies(params, grads, lr):
        new = [p.copy() for p in params]
        for p, g in zip(new, grads, strict=True):
            p -= lr * g
        return new

    result = failing("sgd_step", copies, "sgd_step([-2.0, 4.0], [0.5, -1.0], 0.1) raised AttributeError", "plain")
    assert result.mistake == "fails on plain numbers"


def test_chain_rule_mistakes():
    failing("chain_rule_example", lambda x, y, z: (x + y * z, z, z, x + y), "mind the parentheses")
    failing("chain_rule_example", lambda x, y, z: ((x + y) * z, x + y, x + y, z), "df/dx = df/dq * dq/dx = z * 1")
    failing("chain_rule_example", lambda x, y, z: ((x + y) * z, 1.0, 1.0, x + y), "only the local gradient")
    failing("chain_rule_example", lambda x, y, z: ((x + y) * z, -z, -z, -(x + y)), "sign error")
    failing("chain_rule_example", lambda x, y, z: ((x + y) * z, z, z), "expected a tuple (f, dfdx, dfdy, dfdz)")


def test_sigmoid_mistakes():
    failing("sigmoid", lambda z: 1 / (1 + np.exp(z)), "sign error")
    failing("sigmoid", lambda z: np.tanh(z), "that is tanh(z)")
    result = failing("sigmoid", lambda z: 1 / (1 + np.exp(-np.asarray(z))), "overflow", "np.exp(-np.abs(z))")
    assert "z = np.array([[-1000.0, -30.0], [30.0, 1000.0]])" in result.feedback  # the input, to reproduce it

    def naive_where(z):
        z = np.asarray(z, dtype=float)
        return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))

    failing("sigmoid", naive_where, "np.where computes both branches")
    failing("sigmoid", lambda z: 1 / (1 + np.exp(-z)) if np.ndim(z) == 0 else 1.0, "shape")


def test_sigmoid_grad_mistakes():
    failing("sigmoid_grad", lambda z: ref.sigmoid(z), "that is σ(z) itself")
    failing("sigmoid_grad", lambda z: np.asarray(z) * (1 - np.asarray(z)), "apply the formula to σ(z), not to z")
    failing("sigmoid_grad", lambda z: -ref.sigmoid_grad(z), "sign error")
    failing(
        "sigmoid_grad",
        lambda z: np.exp(-np.asarray(z)) / (1 + np.exp(-np.asarray(z))) ** 2,
        "NaN or infinity",
        "stable sigmoid",
    )


def test_relu_mistakes():
    failing("relu", lambda z: np.abs(z), "not |z|")
    failing("relu", lambda z: (np.asarray(z) > 0).astype(float), "that is the gradient")
    failing("relu", lambda z: max(0.0, z), "use np.maximum(0, z)")

    def in_place(z):
        z[z < 0] = 0
        return z

    failing("relu", in_place, "in place")


def test_relu_grad_mistakes():
    failing("relu_grad", lambda z: (np.asarray(z) >= 0).astype(float), "at z = 0 the gradient is 0")
    failing("relu_grad", lambda z: ref.relu(z), "that is relu(z) itself")
    failing("relu_grad", lambda z: np.sign(z), "sign(z) is -1")
    assert grade("backprop.relu_grad", lambda z: np.asarray(z) > 0).passed  # booleans multiply like 0 and 1


@pytest.mark.parametrize(
    "name, answer",
    [  # each passed on arrays, then crashed on the plain numbers the notebook passes later (relu_grad(0.0), ...)
        ("relu_grad", lambda z: (z > 0).astype(float)),
        ("sigmoid_grad", lambda z: ref.sigmoid_grad(z.astype(float))),
        ("sigmoid", lambda z: ref.sigmoid(z.copy())),
        ("relu", lambda z: np.maximum(0.0, z.copy())),
    ],
)
def test_elementwise_mistakes_on_plain_numbers(name, answer):
    result = failing(name, answer, "raised AttributeError", f"calls {name} on plain numbers", "np.asarray(z")
    assert result.mistake == "fails on a plain number"


def test_softmax_mistakes():
    failing("softmax", lambda Z: ref.softmax(Z, axis=0), "over the columns (axis=0)", "every row sums to 1")
    failing("softmax", lambda Z: np.exp(Z) / np.exp(Z).sum(), "whole array")
    failing("softmax", lambda Z: np.exp(Z) / np.exp(Z).sum(axis=1), "keepdims=True")
    failing("softmax", lambda Z: np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True), "overflow", "row's maximum")
    failing("softmax", lambda Z: np.exp(Z - Z.max()) / np.exp(Z - Z.max()).sum(axis=1, keepdims=True), "own maximum")
    failing("softmax", lambda Z: ref.softmax(-Z), "sign error")


def test_dense_forward_mistakes():
    failing("dense_forward", lambda X, W, b: X @ W, "the bias b is missing")
    failing("dense_forward", lambda X, W, b: X @ W - b, "sign error")
    failing("dense_forward", lambda X, W, b: X @ W.T + b, "X @ W has shape (n, m)")  # fails on (4, 3) @ (2, 3)
    failing("dense_forward", lambda X, W, b: W.T @ X.T + b[:, None], "shape (2, 4)", "one row per sample")
    failing(
        "dense_forward",
        lambda X, W, b: X @ W.T + b if W.shape[0] == W.shape[1] else X @ W + b,
        "not X @ W.T (no transpose)",
    )
    failing("dense_forward", lambda X, W, b: ref.relu(X @ W + b), "no activation inside the dense layer")


def test_dense_backward_mistakes():
    def variant(dX=None, dW=None, db=None):
        def backward(dZ, X, W):
            right = ref.dense_backward(dZ, X, W)
            return tuple(right[i] if f is None else f(dZ, X, W) for i, f in enumerate((dX, dW, db)))

        return backward

    failing("dense_backward", variant(dW=lambda dZ, X, W: dZ.T @ X), "dW has W's shape (d, m)")
    failing("dense_backward", variant(dX=lambda dZ, X, W: dZ @ W), "Match the shapes")  # (4, 2) @ (3, 2) fails
    square = variant(dX=lambda dZ, X, W: dZ @ W if W.shape[0] == W.shape[1] else dZ @ W.T)
    failing("dense_backward", square, "missing transpose: dX = dZ @ W.T")
    failing("dense_backward", variant(db=lambda dZ, X, W: dZ.mean(axis=0)), "not a mean")
    failing("dense_backward", variant(db=lambda dZ, X, W: dZ.sum()), "sum over the samples only (axis=0)")
    failing("dense_backward", variant(db=lambda dZ, X, W: dZ.sum(axis=0, keepdims=True)), "without keepdims")
    failing("dense_backward", variant(dW=lambda dZ, X, W: X.T @ dZ / len(X)), "don't divide by n")
    failing("dense_backward", variant(dX=lambda dZ, X, W: -dZ @ W.T), "sign error")
    failing("dense_backward", lambda dZ, X, W: ref.dense_backward(dZ, X, W)[:2], "expected a tuple (dX, dW, db)")
    failing(
        "dense_backward",
        variant(db=lambda dZ, X, W: None),
        "W = np.array([[1.0, -1.0], [0.5, 2.0], [-2.0, 0.0]]): its result[2] (db) is None",
    )


def test_cross_entropy_mistakes():
    def picked(P, y):
        return np.clip(P[np.arange(len(y)), y], 1e-12, 1)

    failing("cross_entropy", lambda P, y: float(-np.sum(np.log(picked(P, y)))), "sum over the samples")
    failing("cross_entropy", lambda P, y: float(np.mean(np.log(picked(P, y)))), "sign error")
    failing("cross_entropy", lambda P, y: float(-np.mean(np.log10(picked(P, y)))), "np.log10")
    failing("cross_entropy", lambda P, y: float(-np.mean(np.log(P[:, y]))), "P[np.arange(n), y]")
    failing("cross_entropy", lambda P, y: float(-np.mean(np.eye(P.shape[1])[y] * np.log(P + 1e-12))), "not by n * k")
    one_hot_sum = "0 * log(0) is nan"
    failing("cross_entropy", lambda P, y: float(-np.mean(np.sum(np.eye(P.shape[1])[y] * np.log(P), 1))), one_hot_sum)
    failing("cross_entropy", lambda P, y: float(-np.mean(np.log(P[np.arange(len(y)), y]))), "clip")
    failing("cross_entropy", lambda P, y: float(-np.mean(np.log(P[np.arange(len(y)), y] + 1.0))), "expected")


def test_numerical_gradient_mistakes():
    def forward(f, x, eps=1e-6):
        grad = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            plus = x.copy()
            plus[i] += eps
            grad[i] = (f(plus) - f(x)) / eps
        return grad

    def one_eps(f, x, eps=1e-6):
        return (f(x + eps) - f(x - eps)) / (2 * eps)

    def mutating(f, x, eps=1e-6):
        grad = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            x[i] += eps
            up = f(x)
            x[i] -= 2 * eps
            grad[i] = (up - f(x)) / (2 * eps)
        return grad

    failing("numerical_gradient", forward, "forward difference", "lambda x: np.sum(x ** 3)")
    failing("numerical_gradient", lambda f, x, eps=1e-6: 2 * ref.numerical_gradient(f, x, eps), "2 * eps")
    failing("numerical_gradient", lambda f, x, eps=1e-6: ref.numerical_gradient(f, x), "use the eps argument")
    failing("numerical_gradient", one_eps, "perturb one entry at a time")
    failing("numerical_gradient", mutating, "changed its argument #2 in place")
    failing("numerical_gradient", lambda f, x, eps=1e-6: ref.numerical_gradient(f, x, eps).ravel(), "x's shape")
    failing("numerical_gradient", lambda f, x, eps: ref.numerical_gradient(f, x, eps), "missing 1 required")
