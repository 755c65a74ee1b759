"""Checks of notebook 02, part 2: the loss, numerical gradients, a dense layer forwards and backwards, an SGD step."""

import numpy as np

from course.checks.backprop import SIGN, finite
from course.checks.kit import Given, Mistake, Raised, WrongShape, array, call, describe, expect, items
from course.grading.registry import register
from course.references import backprop as ref

ZERO_ADVICE = (
    "0 * log(0) is nan: take only each sample's true-class probability, P[np.arange(n), y], and clip it away "
    "from 0 before the log."
)
CROSS_ENTROPY_CASES = [
    ("np.array([[0.7, 0.2, 0.1], [0.1, 0.6, 0.3], [0.25, 0.25, 0.5], [0.2, 0.2, 0.6]])", "np.array([0, 1, 2, 0])"),
    ("np.array([[0.9, 0.1], [0.4, 0.6]])", "np.array([1, 1])"),
    ("np.array([[1.0, 0.0, 0.0], [0.2, 0.8, 0.0]])", "np.array([0, 1])"),
]


@register("backprop.cross_entropy")
def check_cross_entropy(fn):
    for P, y in ((Given(p, "P"), Given(t, "y")) for p, t in CROSS_ENTROPY_CASES):
        shown = describe("cross_entropy", P, y)
        out = finite(call(fn, P, y, shown=shown), shown, (), ZERO_ADVICE)
        P, y = P.value, y.value
        n, expected = len(y), ref.cross_entropy(P, y)
        hints = [(n * expected, "that is the sum over the samples; take the mean (divide by n).")]
        hints += [(-expected, SIGN + "the loss is minus the log-probability, -log p, which is >= 0.")]
        hints += [(expected / P.shape[1], "divide by the number of samples n, not by n * k.")]
        hints += [(ref.cross_entropy(P, y, np.log10), "use the natural logarithm np.log, not np.log10.")]
        hints += [(ref.cross_entropy(P, y, np.log2), "use the natural logarithm np.log, not np.log2.")]
        hints += [
            (-np.mean(np.log(np.clip(P[:, y], 1e-12, 1))), "P[:, y] takes whole columns; use P[np.arange(n), y].")
        ]
        hints += [(-np.mean(np.log(np.clip(P, 1e-12, 1))), "only the probability of the true class y counts.")]
        expect(shown, out, expected, hints, atol=1e-5)
    P, y = Given("np.array([[0.0, 1.0], [0.5, 0.5]])", "P"), Given("np.array([0, 1])", "y")
    shown = describe("cross_entropy", P, y)
    clip = "The true class has probability 0: clip the picked probabilities first, e.g. np.clip(p, 1e-12, 1.0)."
    out = finite(call(fn, P, y, shown=shown), shown, (), clip)
    if out < 5:
        raise Mistake(f"{shown} returned {float(out):.4g}; expected a large but finite loss. {clip}", "no clipping")


GRAD_CASES = [  # (f, x, eps or None for the default)
    ("lambda x: np.sum(x ** 3)", "np.array([1.0, -2.0, 0.5])", 0.1),
    ("lambda x: np.sum(x ** 2) + x[0, 0] * x[1, 1]", "np.array([[1.0, 2.0], [-1.0, 0.5]])", None),
    ("lambda x: np.sum(np.sin(x) * np.arange(x.size).reshape(x.shape))", "np.ones((2, 3))", 0.5),
]


@register("backprop.numerical_gradient")
def check_numerical_gradient(fn):
    for f_text, x_text, eps in GRAD_CASES:
        f, x = Given(f_text, "f"), Given(x_text, "x")
        args = (f, x) if eps is None else (f, x, eps)
        shown = describe("numerical_gradient", *args)
        out = array(call(fn, *args, shown=shown), shown)
        f, x, h = f.value, x.value, 1e-6 if eps is None else eps
        if out.shape == () and x.ndim:
            raise WrongShape(
                f"{shown} returned one number; return one partial derivative per entry of x (an array of x's "
                "shape): perturb one entry at a time."
            )
        if out.size == x.size and out.shape != x.shape:
            raise WrongShape(f"{shown} returned shape {out.shape}; return an array of x's shape {x.shape}.")
        expected = ref.numerical_gradient(f, x, h)
        forward = "that is the forward difference (f(x + eps) - f(x)) / eps; use central differences."
        hints = [(ref.numerical_gradient(f, x, h, forward=True), forward)]
        hints += [(2 * expected, "divide f(x + eps) - f(x - eps) by 2 * eps, the distance between the points.")]
        hints += [(-expected, SIGN + "take f(x + eps) - f(x - eps), not f(x - eps) - f(x + eps).")]
        hints += [(ref.numerical_gradient(f, x, 1e-6), "use the eps argument rather than a fixed step.")]
        expect(shown, out, expected, hints, atol=1e-6 if eps is None else 1e-8)


X_43 = Given("np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 1.0], [2.0, 1.0, -1.0], [0.5, 0.0, 3.0]])", "X")
W_32, B_2 = Given("np.array([[1.0, -1.0], [0.5, 2.0], [-2.0, 0.0]])", "W"), Given("np.array([0.1, -0.2])", "b")
X_23 = Given("np.array([[1.0, -2.0, 0.5], [3.0, 0.0, 1.0]])", "X")
W_33 = Given("np.array([[1.0, 2.0, 0.0], [0.0, 1.0, -1.0], [2.0, 0.0, 1.0]])", "W")
B_3 = Given("np.array([0.5, 0.0, -1.0])", "b")


def _shapes(e: Raised, advice: str) -> Mistake:
    """A ValueError from @ or broadcasting: the shapes do not match; say which product the layer needs."""
    return Mistake(f"{e} {advice}", "shapes that do not match") if e.error == "ValueError" else e


@register("backprop.dense_forward")
def check_dense_forward(fn):
    for X, W, b in ((X_43, W_32, B_2), (X_23, W_33, B_3)):
        shown = describe("dense_forward", X, W, b)
        try:
            out = array(call(fn, X, W, b, shown=shown), shown)
        except Raised as e:
            raise _shapes(e, "X has shape (n, d) and W (d, m): X @ W has shape (n, m).") from None
        X, W, b = X.value, W.value, b.value
        transpose = "W has shape (d, m) already: use X @ W, not X @ W.T (no transpose)."
        hints = [(X @ W.T + b if W.shape[0] == W.shape[1] else None, transpose)]
        hints += [(W.T @ X.T + b[:, None], "one row per sample: X @ W + b has shape (n, m), not (m, n).")]
        hints += [(X @ W, "the bias b is missing."), (X @ W - b, SIGN + "add the bias: X @ W + b.")]
        hints += [(ref.relu(X @ W + b), "no activation inside the dense layer: return X @ W + b.")]
        expect(shown, out, ref.dense_forward(X, W, b), hints)


@register("backprop.dense_backward")
def check_dense_backward(fn):
    dZ_42 = Given("np.array([[0.5, -1.0], [0.0, 2.0], [1.0, 1.0], [-0.5, 0.25]])", "dZ")
    dZ_23 = Given("np.array([[1.0, 0.0, -2.0], [0.5, 1.5, 1.0]])", "dZ")
    for dZ, X, W in ((dZ_42, X_43, W_32), (dZ_23, X_23, W_33)):
        shown = describe("dense_backward", dZ, X, W)
        try:
            dX, dW, db = items(call(fn, dZ, X, W, shown=shown), shown, 3, "(dX, dW, db)")
        except Raised as e:
            raise _shapes(e, "Match the shapes: dX = dZ @ W.T is (n, d), dW = X.T @ dZ is (d, m).") from None
        dZ, X, W = dZ.value, X.value, W.value
        (eX, eW, eb), n = ref.dense_backward(dZ, X, W), len(X)
        hints = [(dZ @ W if W.shape[0] == W.shape[1] else None, "missing transpose: dX = dZ @ W.T.")]
        hints += [(-eX, SIGN + "dX = dZ @ W.T."), (W @ dZ.T, "dX has X's shape (n, d): dZ @ W.T.")]
        expect(shown, array(dX, shown + "[0] (dX)"), eX, hints, part="dX")
        hints = [(dZ.T @ X, "dW has W's shape (d, m): X.T @ dZ, not dZ.T @ X."), (-eW, SIGN + "dW = X.T @ dZ.")]
        hints += [(X @ dZ.T if X.shape == dZ.shape else None, "missing transpose: dW = X.T @ dZ.")]
        hints += [(eW / n, "don't divide by n: dZ already holds the 1/n of the mean loss, so dW = X.T @ dZ.")]
        expect(shown, array(dW, shown + "[1] (dW)"), eW, hints, part="dW")
        hints = [(dZ.mean(axis=0), "db is a sum over the samples, dZ.sum(axis=0), not a mean: dZ holds the 1/n.")]
        hints += [(dZ.sum(), "sum over the samples only (axis=0): db has one entry per output, like b.")]
        hints += [(dZ.sum(axis=1), "sum over the samples, axis=0, not over the outputs.")]
        hints += [(eb[None, :], "db has b's shape (m,): dZ.sum(axis=0), without keepdims.")]
        hints += [(-eb, SIGN + "db = dZ.sum(axis=0).")]
        expect(shown, array(db, shown + "[2] (db)"), eb, hints, part="db")


SGD_CASES = [
    (
        "[np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([0.5, -0.5])]",
        "[np.array([[0.1, -0.2], [0.3, 0.0]]), np.array([1.0, -1.0])]",
        0.1,
    ),
    (
        "[np.array([2.0, -1.0, 0.0]), np.array(1.5), np.ones((2, 2))]",
        "[np.arange(3.0), np.array(-2.0), np.eye(2)]",
        0.5,
    ),
]


@register("backprop.sgd_step")
def check_sgd_step(fn):
    for params, grads, lr in SGD_CASES:
        params, grads = Given(params, "params"), Given(grads, "grads")
        shown = describe("sgd_step", params, grads, lr)
        out = call(fn, params, grads, lr, shown=shown)
        params, grads = params.value, grads.value
        if out is None:
            raise Mistake(f"{shown} returned None: did you forget `return`?")
        if not isinstance(out, list | tuple):
            raise Mistake(f"{shown} returned a {type(out).__name__}; return a list of arrays, e.g. [p - lr * g ...].")
        if len(out) != len(params):
            raise WrongShape(f"{shown} returned {len(out)} arrays; expected one per parameter ({len(params)}).")
        for i, (got, p, g) in enumerate(zip(out, params, grads, strict=True)):
            hints = [(p + lr * g, SIGN + "step against the gradient: p - lr * g.")]
            hints += [(p - g, "the learning rate lr is missing: p - lr * g."), (g, "return the new parameters.")]
            hints += [(-lr * g, "return the new parameters p - lr * g, not the step.")]
            expect(shown, array(got, f"{shown}[{i}]"), p - lr * g, hints, part=f"new params[{i}]")
