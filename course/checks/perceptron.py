"""Checks of notebook 01, the perceptron: step, predict, update, train, accuracy."""

import numpy as np

from course.checks.kit import Mistake, Raised, array, call, cases, describe, diagnose, expect, fmt, items, label
from course.grading.registry import register
from course.references import perceptron as ref

# Small inputs a learner can reproduce: the AND truth table of Vu's workshop.
X_AND = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y_AND = np.array([0, 0, 0, 1])
Y_XOR = np.array([0, 1, 1, 0])


def _grid(rng, shape, zeros=2):
    """Hidden inputs: numbers with two decimals, some of them exactly 0 (where step's > and >= differ)."""
    z = np.round(rng.normal(scale=2.0, size=shape), 2)
    z.flat[rng.choice(z.size, size=min(zeros, z.size), replace=False)] = 0.0
    return z


def _step_case(rng):
    return _grid(rng, tuple(rng.integers(2, 5, size=2)))


def _predict_case(rng, flip=False):
    """Hidden (X, w, b); with `flip`, a bias that moves the first sample across the boundary (z = +-0.25)."""
    n, d = rng.integers(3, 7), rng.integers(2, 5)
    X = rng.integers(-2, 3, size=(n, d)).astype(float)
    w = rng.choice([-1.0, -0.5, 0.5, 1.0], size=d)
    b = float(rng.choice([-1.5, -1.0, -0.5, 0.5, 1.0, 1.5]))
    if flip:
        z0 = float(X[0] @ w)
        b = -z0 - 0.25 if z0 > 0 else -z0 + 0.25
    return X, w, b


def _update_case(rng):
    d = rng.integers(2, 5)
    w, b, x = np.round(rng.normal(size=d), 2), round(float(rng.normal()), 2), rng.integers(0, 2, size=d).astype(float)
    x[rng.integers(d)] = 1.0  # at least one input on, so that the update moves w
    return w, b, x, 1 - int(ref.step(x @ w + b)), float(rng.choice([0.1, 0.2, 0.5]))  # a misclassified sample


def _train_case(rng):
    n, d = rng.integers(4, 9), rng.integers(2, 4)
    X = rng.integers(0, 3, size=(n, d)).astype(float)
    return X, rng.integers(0, 2, size=n), float(rng.choice([0.1, 0.2, 0.5])), int(rng.integers(3, 9))


def _separable_case(rng):
    """Hidden data the perceptron learns within a few epochs (y copies one binary input), then trains on."""
    n, d = int(rng.integers(5, 9)), int(rng.integers(2, 4))
    X = rng.integers(0, 2, size=(n, d)).astype(float)
    j = int(rng.integers(d))
    X[:2, j] = [0.0, 1.0]  # both classes
    return X, X[:, j].astype(int), float(rng.choice([0.2, 0.5])), int(rng.integers(8, 12))


def _accuracy_case(rng):
    n = rng.integers(4, 11)
    y_true = rng.integers(0, 2, size=n)
    y_pred = np.where(rng.random(n) < 0.6, y_true, 1 - y_true)
    return y_true, y_pred.astype(float) if rng.random() < 0.5 else y_pred


def _scalar_bias(b, shown):
    """The bias as a 0-d array, or a Mistake: an array of shape (1,) breaks the notebook's f"{b:.2f}" later."""
    if b.shape == (1,):
        raise Mistake(
            f'{shown} of shape (1,), not a number: the notebook prints it with f"{{b:.2f}}", which fails on an '
            "array. Start from b = 0.0 and compute the error as a number: y - step(x @ w + b).",
            "a bias of shape (1,)",
        )
    if b.shape != ():
        raise Mistake(f"{shown} of shape {b.shape}; expected a number.")
    return b


@register("perceptron.step")
def check_step(fn):
    for z in cases((2.5, -1.0, 0.0), lambda rng: 0.0, lambda rng: round(float(rng.normal(scale=3)), 2) or -1.5):
        shown = describe("step", z)
        try:
            out = call(fn, z, name="step")
        except Raised as e:
            if e.error == "AttributeError":
                raise Mistake(
                    f"{e} z may be a plain number such as 2.5, and a Python float or bool has no .astype: "
                    "make an array first, e.g. (np.asarray(z) > 0).astype(int).",
                    "a plain number has no .astype",
                ) from None
            raise
        if isinstance(out, bool | np.bool_):
            raise Mistake(f"{shown} returned {out}, a bool; return the integer 0 or 1 (e.g. int(...) or .astype(int)).")
        out = array(out, shown, shape=(), kind="i")
        expect(
            shown,
            out,
            ref.step(z),
            [
                (1, "the perceptron fires only when z > 0, so step(0) is 0 (use >, not >=)."),
                (-1, "that is the sign function; the perceptron's step outputs 0 or 1."),
            ],
        )
    # a 1-D array as the plot of step passes it, then 2-D as the hidden layer of XOR does
    visible = [np.array([-1.0, -0.5, 0.0, 0.5, 1.0]), np.array([[-2.0, 0.0, 3.0], [0.5, -0.1, 0.01]])]
    for z in cases(visible, _step_case, _step_case):
        shown = describe("step", z)
        try:
            out = call(fn, z, name="step")
        except Raised as e:
            if e.error == "ValueError":  # `if z > 0:` on an array: its truth value is ambiguous
                raise Mistake(
                    f"{shown} raised ValueError: `if` on an array is ambiguous; compare element-wise, "
                    "e.g. (np.asarray(z) > 0).astype(int).",
                    "`if` on an array",
                ) from None
            if e.error == "TypeError" and z.ndim == 1:  # a loop over rows meets numbers, not rows
                raise Mistake(
                    f"{e}: z may have any shape (1-D in the plot below, 2-D for a hidden layer); compare "
                    "element-wise, e.g. (np.asarray(z) > 0).astype(int), instead of looping over rows.",
                    "only 2-D arrays",
                ) from None
            raise
        out = array(out, shown, shape=z.shape, kind="i")
        hints = [((z >= 0).astype(int), "use z > 0, not z >= 0: step(0) is 0.")]
        hints += [(np.sign(z), "that is the sign function; the perceptron's step outputs 0 or 1.")]
        expect(shown, out, ref.step(z), hints)


@register("perceptron.perceptron_predict", uses=("step",))
def check_predict(fn):
    visible = [
        (X_AND, np.array([1.0, 1.0]), -1.5),  # AND
        (X_AND, np.array([1.0, 1.0]), -1.0),  # z == 0 at (0, 1) and (1, 0)
        (
            np.array([[1.0, -2.0, 0.5], [0.0, 1.0, 1.0], [2.0, 2.0, -1.0], [-1.0, 0.0, 0.0], [3.0, 1.0, 2.0]]),
            np.array([0.5, -1.0, 2.0]),
            0.25,
        ),
        (np.array([[0, 1], [1, 1], [1, 1], [1, 0]]), np.array([1.0, 1.0]), -1.5),  # integers: XOR's hidden layer
    ]
    for X, w, b in cases(visible, lambda rng: _predict_case(rng, flip=True), _predict_case):
        shown = describe("perceptron_predict", X, w, b)
        out = array(call(fn, X, w, b, name="perceptron_predict", shown=shown), shown, shape=(len(X),))
        z = X @ w + b
        step = ref.step
        hints = [
            (step(X @ w), "the bias b is missing: z = X @ w + b."),
            (step(X @ w - b), "the bias is subtracted: z = X @ w + b."),
            ((z >= 0).astype(int), "use z > 0, not z >= 0: a sample with z = 0 is class 0."),
            (z, "these are the scores z = X @ w + b; pass them through step()."),
        ]
        expect(shown, out, ref.perceptron_predict(X, w, b), hints)


@register("perceptron.perceptron_update", uses=("step",))
def check_update(fn):
    visible = [  # (w, b, x, y, lr): a missed positive, a correct sample, a false positive
        (np.array([0.0, 0.0]), 0.0, np.array([1.0, 1.0]), 1, 0.1),
        (np.array([0.5, 0.5]), -0.2, np.array([1.0, 1.0]), 1, 0.1),
        (np.array([0.5, 0.5]), 0.1, np.array([0.0, 1.0]), 0, 0.1),
    ]
    for w, b, x, y, lr in cases(visible, _update_case, _update_case):
        shown = describe("perceptron_update", w, b, x, y, lr)
        new_w, new_b = items(call(fn, w, b, x, y, lr, shown=shown), shown, 2, "(new_w, new_b)")
        new_w = array(new_w, shown + "[0] (new w)", shape=w.shape)
        new_b = _scalar_bias(array(new_b, shown + "[1] (new b)"), shown + " returned a bias")
        error = y - int(ref.step(x @ w + b))
        exp_w, exp_b = ref.perceptron_update(w, b, x, y, lr)
        hints = [
            ((w - lr * error * x, b - lr * error), "the sign is flipped: the error is y - y_hat."),
            ((w + error * x, b + error), "the learning rate lr is missing."),
            (
                (w + lr * y * x, b + lr * y),
                "update by the error y - y_hat, not by y: a correct sample changes nothing.",
            ),
            ((exp_w, b), "the bias must be updated too: b + lr * (y - y_hat)."),
        ]
        got = (new_w, float(new_b.reshape(())))
        if not (np.allclose(got[0], exp_w) and np.isclose(got[1], exp_b)):
            hint = next((m for (hw, hb), m in hints if np.allclose(got[0], hw) and np.isclose(got[1], hb)), None)
            message = f"{shown} returned w={fmt(got[0])}, b={fmt(got[1])}, expected w={fmt(exp_w)}, b={fmt(exp_b)}"
            raise Mistake(f"{message}: {hint}" if hint else message + ".", hint)


@register("perceptron.train_perceptron", uses=("step", "perceptron_update"))
def check_train(fn):
    for X, y, lr, epochs in cases(((X_AND, Y_AND, 0.1, 10), (X_AND, Y_XOR, 0.5, 6)), _separable_case, _train_case):
        data = "AND" if y is Y_AND else "XOR"
        shown = label("train_perceptron", f"train_perceptron(X, y, lr={lr}, epochs={epochs}) on the {data} truth table")
        w, b, mistakes = items(call(fn, X, y, lr, epochs, shown=shown), shown, 3, "(w, b, mistakes)")
        exp_w, exp_b, exp_m = ref.train_perceptron(X, y, lr, epochs)
        mistakes = array(mistakes, shown + " (mistakes)")
        if mistakes.ndim != 1:
            raise Mistake(f"{shown} returned mistakes of shape {mistakes.shape}; expected one count per epoch.")
        hints = [
            (
                ref.train_perceptron(X, y, lr, epochs, stop_early=True)[2],
                "run all the epochs; don't stop once an epoch has no mistakes.",
            ),
            (
                ref.train_perceptron(X, y, lr, epochs, count_after=True)[2],
                "count the mistakes made *during* the epoch, before each update, not after it.",
            ),
            (
                ref.train_perceptron(X, y, lr, epochs, cumulative=True)[2],
                "count each epoch's mistakes on their own, not a running total.",
            ),
        ]
        if len(mistakes) != epochs and not diagnose(mistakes, hints[:1]):
            raise Mistake(f"{shown} returned {len(mistakes)} mistake counts; expected one per epoch ({fmt(epochs)}).")
        expect(shown, mistakes, exp_m, hints, part="mistakes")
        w = array(w, shown + " (w)", shape=exp_w.shape)
        expect(shown, w, exp_w, [(np.zeros_like(exp_w), "w never changed: update it with each sample.")], part="w")
        expect(shown, _scalar_bias(array(b, shown + " (b)"), shown + " returned b"), exp_b, part="b")


@register("perceptron.accuracy")
def check_accuracy(fn):
    visible = (
        ([1, 0, 1, 1], [1, 0, 0, 1]),
        (np.array([0, 1, 1]), np.array([0.0, 1.0, 1.0])),
        (np.array([1, 1, 0, 0, 1]), np.array([0, 0, 1, 1, 0])),
    )
    for y_true, y_pred in cases(visible, _accuracy_case, _accuracy_case):
        shown = describe("accuracy", y_true, y_pred)
        out = call(fn, y_true, y_pred, shown=shown)
        if not isinstance(out, float | np.floating):
            raise Mistake(f"{shown} returned {fmt(out)} ({type(out).__name__}); expected a float between 0 and 1.")
        out = array(out, shown, shape=())
        n, expected = len(y_true), ref.accuracy(y_true, y_pred)
        hints = [
            (expected * n, "that is the number of matches; divide by the number of samples."),
            (100 * expected, "return a fraction between 0 and 1, not a percentage."),
            (1 - expected, "that is the error rate; accuracy is the fraction of equal entries."),
        ]
        expect(shown, out, expected, hints)
