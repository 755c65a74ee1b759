"""Checks of notebook 02, part 2: the loss, numerical gradients, a dense layer forwards and backwards."""

import numpy as np

from course.checks import inputs
from course.checks.backprop import SIGN, finite, matrix, numbers
from course.checks.kit import (
    Given,
    Mistake,
    Raised,
    WrongShape,
    array,
    call,
    cases,
    describe,
    expect,
    fmt,
    items,
    part,
    value_of,
)
from course.grading.registry import register
from course.references import backprop as ref

ZERO_ADVICE = (
    "0 * log(0) is nan: take only each sample's true-class probability, P[np.arange(n), y], and clip it away "
    "from 0 before the log."
)
CROSS_ENTROPY_CASES = [
    ([[0.7, 0.2, 0.1], [0.1, 0.6, 0.3], [0.25, 0.25, 0.5], [0.2, 0.2, 0.6]], [0, 1, 2, 0]),
    ([[0.9, 0.1], [0.4, 0.6]], [1, 1]),
    ([[1.0, 0.0, 0.0], [0.2, 0.8, 0.0]], [0, 1]),
]


def _probabilities(rng, zero=None):
    """Hidden (P, y): rows of probabilities with three decimals; with `zero` "off" (or "true"), a first row that
    puts probability 1 on its true class (or on another one)."""
    n, k = int(rng.integers(2, 6)), int(rng.integers(3, 5))
    P = np.round(rng.dirichlet(np.ones(k), size=n), 3)
    y = rng.integers(0, k, size=n)
    y[1] = (y[0] + 1) % k  # two classes at least: P[:, y] then differs from P[np.arange(n), y]
    if zero is not None:
        P[0] = 0.0
        P[0, (y[0] + 1) % k if zero == "true" else y[0]] = 1.0
    return P, y


@register("backprop.cross_entropy")
def check_cross_entropy(fn):
    visible = [(Given("numpy:array", p, name="P"), Given("numpy:array", t, name="y")) for p, t in CROSS_ENTROPY_CASES]
    for P, y in cases(visible, _probabilities, lambda rng: _probabilities(rng, "off")):
        shown = describe("cross_entropy", P, y)
        out = finite(call(fn, P, y, shown=shown), shown, (), ZERO_ADVICE)
        P, y = value_of(P), value_of(y)
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
    clip = "The true class has probability 0: clip the picked probabilities first, e.g. np.clip(p, 1e-12, 1.0)."
    visible = [(Given("numpy:array", [[0.0, 1.0], [0.5, 0.5]], name="P"), Given("numpy:array", [0, 1], name="y"))]
    for P, y in cases(visible, lambda rng: _probabilities(rng, "true")):
        shown = describe("cross_entropy", P, y)
        out = finite(call(fn, P, y, shown=shown), shown, (), clip)
        if out < 5:
            raise Mistake(
                f"{shown} returned {fmt(float(out))}; expected a large but finite loss. {clip}", "no clipping"
            )


GRAD_CASES = [  # (f, x, eps or None for the default)
    ("cube_sum", Given("numpy:array", [1.0, -2.0, 0.5], name="x"), 0.1),
    ("square_sum_cross", Given("numpy:array", [[1.0, 2.0], [-1.0, 0.5]], name="x"), None),
    ("weighted_sin", Given("numpy:ones", (2, 3), name="x"), 0.5),
]


def _function(name):
    """One of the functions of `course.checks.inputs` as an argument, shown as the lambda it computes."""
    return Given("course.checks.inputs:function", f"course.checks.inputs:{name}", name=getattr(inputs, name).__doc__)


def _gradient_case(rng, eps=None):
    """A hidden (f, x, eps): one of the three functions; with `eps`, a non-quadratic f, where the step matters."""
    x = matrix(rng, scale=1.0)
    if eps is not None:
        return str(rng.choice(["cube_sum", "weighted_sin"])), x, eps
    return str(rng.choice(["cube_sum", "square_sum_cross", "weighted_sin"])), x, rng.choice([None, 0.1, 0.01])


@register("backprop.numerical_gradient")
def check_numerical_gradient(fn):
    for name, x, eps in cases(GRAD_CASES, _gradient_case, lambda rng: _gradient_case(rng, eps=0.1)):
        f = _function(name)
        args = (f, x) if eps is None else (f, x, float(eps))
        shown = describe("numerical_gradient", *args)
        out = array(call(fn, *args, shown=shown), shown)
        f, x, h = f.value, value_of(x), 1e-6 if eps is None else float(eps)
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


X_43 = Given("numpy:array", [[1.0, 2.0, 0.0], [0.0, -1.0, 1.0], [2.0, 1.0, -1.0], [0.5, 0.0, 3.0]], name="X")
W_32, B_2 = (
    Given("numpy:array", [[1.0, -1.0], [0.5, 2.0], [-2.0, 0.0]], name="W"),
    Given("numpy:array", [0.1, -0.2], name="b"),
)
X_23 = Given("numpy:array", [[1.0, -2.0, 0.5], [3.0, 0.0, 1.0]], name="X")
W_33 = Given("numpy:array", [[1.0, 2.0, 0.0], [0.0, 1.0, -1.0], [2.0, 0.0, 1.0]], name="W")
B_3 = Given("numpy:array", [0.5, 0.0, -1.0], name="b")


def _dense(rng, square=False):
    """Hidden (X, W, b) of a dense layer: n samples, d inputs, m outputs (m = d when `square`)."""
    n, d = (int(v) for v in rng.integers(2, 5, size=2))
    m = d if square else d + int(rng.integers(1, 3))  # W not square: X @ W.T then cannot run
    return numbers(rng, (n, d)), numbers(rng, (d, m)), numbers(rng, m)


def _dense_grad(rng, square=False):
    X, W, b = _dense(rng, square)
    return numbers(rng, (len(X), W.shape[1])), X, W


def _shapes(e: Raised, advice: str) -> Mistake:
    """A ValueError from @ or broadcasting: the shapes do not match; say which product the layer needs."""
    return Mistake(f"{e} {advice}", "shapes that do not match") if e.error == "ValueError" else e


@register("backprop.dense_forward")
def check_dense_forward(fn):
    for X, W, b in cases(((X_43, W_32, B_2), (X_23, W_33, B_3)), _dense, lambda rng: _dense(rng, square=True)):
        shown = describe("dense_forward", X, W, b)
        try:
            out = array(call(fn, X, W, b, shown=shown), shown)
        except Raised as e:
            raise _shapes(e, "X has shape (n, d) and W (d, m): X @ W has shape (n, m).") from None
        X, W, b = value_of(X), value_of(W), value_of(b)
        transpose = "W has shape (d, m) already: use X @ W, not X @ W.T (no transpose)."
        hints = [(X @ W.T + b if W.shape[0] == W.shape[1] else None, transpose)]
        hints += [(W.T @ X.T + b[:, None], "one row per sample: X @ W + b has shape (n, m), not (m, n).")]
        hints += [(X @ W, "the bias b is missing."), (X @ W - b, SIGN + "add the bias: X @ W + b.")]
        hints += [(ref.relu(X @ W + b), "no activation inside the dense layer: return X @ W + b.")]
        expect(shown, out, ref.dense_forward(X, W, b), hints)


@register("backprop.dense_backward")
def check_dense_backward(fn):
    dZ_42 = Given("numpy:array", [[0.5, -1.0], [0.0, 2.0], [1.0, 1.0], [-0.5, 0.25]], name="dZ")
    dZ_23 = Given("numpy:array", [[1.0, 0.0, -2.0], [0.5, 1.5, 1.0]], name="dZ")
    visible = ((dZ_42, X_43, W_32), (dZ_23, X_23, W_33))
    for dZ, X, W in cases(visible, _dense_grad, lambda rng: _dense_grad(rng, square=True)):
        shown = describe("dense_backward", dZ, X, W)
        try:
            dX, dW, db = items(call(fn, dZ, X, W, shown=shown), shown, 3, "(dX, dW, db)")
        except Raised as e:
            raise _shapes(e, "Match the shapes: dX = dZ @ W.T is (n, d), dW = X.T @ dZ is (d, m).") from None
        dZ, X, W = value_of(dZ), value_of(X), value_of(W)
        (eX, eW, eb), n = ref.dense_backward(dZ, X, W), len(X)
        hints = [(dZ @ W if W.shape[0] == W.shape[1] else None, "missing transpose: dX = dZ @ W.T.")]
        hints += [(-eX, SIGN + "dX = dZ @ W.T."), (W @ dZ.T, "dX has X's shape (n, d): dZ @ W.T.")]
        expect(shown, array(dX, part(shown, "[0]", "dX")), eX, hints, part="dX")
        hints = [(dZ.T @ X, "dW has W's shape (d, m): X.T @ dZ, not dZ.T @ X."), (-eW, SIGN + "dW = X.T @ dZ.")]
        hints += [(X @ dZ.T if X.shape == dZ.shape else None, "missing transpose: dW = X.T @ dZ.")]
        hints += [(eW / n, "don't divide by n: dZ already holds the 1/n of the mean loss, so dW = X.T @ dZ.")]
        expect(shown, array(dW, part(shown, "[1]", "dW")), eW, hints, part="dW")
        hints = [(dZ.mean(axis=0), "db is a sum over the samples, dZ.sum(axis=0), not a mean: dZ holds the 1/n.")]
        hints += [(dZ.sum(), "sum over the samples only (axis=0): db has one entry per output, like b.")]
        hints += [(dZ.sum(axis=1), "sum over the samples, axis=0, not over the outputs.")]
        hints += [(eb[None, :], "db has b's shape (m,): dZ.sum(axis=0), without keepdims.")]
        hints += [(-eb, SIGN + "db = dZ.sum(axis=0).")]
        expect(shown, array(db, part(shown, "[2]", "db")), eb, hints, part="db")
