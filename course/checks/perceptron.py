"""Checks of notebook 01, the perceptron: step, predict, update, train, accuracy."""

import numpy as np

from course.answers import call, describe_call, diagnose, fmt, to_array, to_tuple
from course.grading import Mistake, exercise

# Reference answers: the perceptron of Rosenblatt (seed 001): y_hat = step(w . x + b).


def step(z):
    return (np.asarray(z) > 0).astype(int)


def predict(X, w, b):
    return step(np.asarray(X) @ np.asarray(w) + b)


def update(w, b, x, y, lr):
    error = y - step(np.dot(x, w) + b)
    return np.asarray(w) + lr * error * np.asarray(x), b + lr * error


def train(X, y, lr, epochs, *, count_after=False, stop_early=False, cumulative=False):
    """The perceptron rule from zeros; the keyword flags give typical wrong variants for diagnosis."""
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    w, b, mistakes = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        wrong = 0
        for x_i, y_i in zip(X, y, strict=True):
            wrong += int(step(x_i @ w + b) != y_i)
            w, b = update(w, b, x_i, y_i, lr)
        if count_after:
            wrong = int(np.sum(predict(X, w, b) != y))
        mistakes.append(wrong + (mistakes[-1] if cumulative and mistakes else 0))
        if stop_early and wrong == 0:
            break
    return w, b, mistakes


def accuracy(y_true, y_pred):
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))


# Small inputs a learner can reproduce: the AND truth table of seed 004.
X_AND = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y_AND = np.array([0, 0, 0, 1])
Y_XOR = np.array([0, 1, 1, 0])


def _expect(what, actual, expected, hints=()):
    """Raise a Mistake saying what gave which value, what was expected and, if recognised, the mistake."""
    if actual.shape == np.shape(expected) and np.allclose(actual, expected):
        return
    hint = diagnose(actual, hints)
    message = f"{what} {fmt(actual)}, expected {fmt(np.asarray(expected))}"
    raise Mistake(f"{message}: {hint}" if hint else message + ".")


@exercise("perceptron.step")
def check_step(fn):
    for z in (2.5, -1.0, 0.0):
        shown = describe_call("step", (z,))
        out = call(fn, z, name="step")
        if isinstance(out, bool | np.bool_):
            raise Mistake(f"{shown} returned {out}, a bool; return the integer 0 or 1 (e.g. int(...) or .astype(int)).")
        out = to_array(out, shown, shape=(), kind="i")
        _expect(
            shown + " returned",
            out,
            step(z),
            [
                (1, "the perceptron fires only when z > 0, so step(0) is 0 (use >, not >=)."),
                (-1, "that is the sign function; the perceptron's step outputs 0 or 1."),
            ],
        )
    z = np.array([[-2.0, 0.0, 3.0], [0.5, -0.1, 0.01]])
    shown = describe_call("step", (z,))
    try:
        out = call(fn, z, name="step")
    except Mistake as e:
        if "truth value" in str(e):
            raise Mistake(
                f"{shown} failed: `if` on an array is ambiguous; compare element-wise, e.g. (z > 0).astype(int)."
            ) from None
        raise
    out = to_array(out, shown, shape=z.shape, kind="i")
    _expect(shown + " returned", out, step(z), [((z >= 0).astype(int), "use z > 0, not z >= 0: step(0) is 0.")])


@exercise("perceptron.perceptron_predict")
def check_predict(fn):
    cases = [
        (X_AND, np.array([1.0, 1.0]), -1.5),  # AND
        (X_AND, np.array([1.0, 1.0]), -1.0),  # z == 0 at (0, 1) and (1, 0)
        (
            np.array([[1.0, -2.0, 0.5], [0.0, 1.0, 1.0], [2.0, 2.0, -1.0], [-1.0, 0.0, 0.0], [3.0, 1.0, 2.0]]),
            np.array([0.5, -1.0, 2.0]),
            0.25,
        ),
    ]
    for X, w, b in cases:
        shown = describe_call("perceptron_predict", (X, w, b))
        out = to_array(call(fn, X, w, b, name="perceptron_predict"), shown, shape=(len(X),))
        z = X @ w + b
        _expect(
            shown + " returned",
            out,
            predict(X, w, b),
            [
                (step(X @ w), "the bias b is missing: z = X @ w + b."),
                (step(X @ w - b), "the bias is subtracted: z = X @ w + b."),
                ((z >= 0).astype(int), "use z > 0, not z >= 0: a sample with z = 0 is class 0."),
                (z, "these are the scores z = X @ w + b; pass them through step()."),
            ],
        )


@exercise("perceptron.perceptron_update")
def check_update(fn):
    cases = [  # (w, b, x, y, lr): a missed positive, a correct sample, a false positive
        (np.array([0.0, 0.0]), 0.0, np.array([1.0, 1.0]), 1, 0.1),
        (np.array([0.5, 0.5]), -0.2, np.array([1.0, 1.0]), 1, 0.1),
        (np.array([0.5, 0.5]), 0.1, np.array([0.0, 1.0]), 0, 0.1),
    ]
    for w, b, x, y, lr in cases:
        shown = describe_call("perceptron_update", (w, b, x, y, lr))
        new_w, new_b = to_tuple(call(fn, w, b, x, y, lr, name="perceptron_update"), shown, 2, "(new_w, new_b)")
        new_w = to_array(new_w, shown + "[0] (new w)", shape=w.shape)
        new_b = to_array(new_b, shown + "[1] (new b)")
        if new_b.shape not in ((), (1,)):
            raise Mistake(f"{shown} returned a bias of shape {new_b.shape}; expected a number.")
        y_hat = int(step(x @ w + b))
        exp_w, exp_b = update(w, b, x, y, lr)
        hints = [
            ((w - lr * (y - y_hat) * x, b - lr * (y - y_hat)), "the sign is flipped: the error is y - y_hat."),
            ((w + (y - y_hat) * x, b + (y - y_hat)), "the learning rate lr is missing."),
            (
                (w + lr * y * x, b + lr * y),
                "update by the error y - y_hat, not by y: a correct sample changes nothing.",
            ),
            ((exp_w, b), "the bias must be updated too: b + lr * (y - y_hat)."),
        ]
        got = (new_w, float(new_b.reshape(())))
        if not (np.allclose(got[0], exp_w) and np.isclose(got[1], exp_b)):
            hint = next((m for (hw, hb), m in hints if np.allclose(got[0], hw) and np.isclose(got[1], hb)), None)
            message = (
                f"{shown} returned w={fmt(got[0])}, b={fmt(got[1])}, expected w={fmt(exp_w)}, b={fmt(float(exp_b))}"
            )
            raise Mistake(f"{message}: {hint}" if hint else message + ".")


@exercise("perceptron.train_perceptron")
def check_train(fn):
    for X, y, lr, epochs in ((X_AND, Y_AND, 0.1, 10), (X_AND, Y_XOR, 0.5, 6)):
        data = "AND" if y is Y_AND else "XOR"
        shown = f"train_perceptron(X, y, lr={lr}, epochs={epochs}) on the {data} truth table"
        w, b, mistakes = to_tuple(call(fn, X, y, lr, epochs, name="train_perceptron"), shown, 3, "(w, b, mistakes)")
        exp_w, exp_b, exp_m = train(X, y, lr, epochs)
        mistakes = to_array(mistakes, shown + " (mistakes)")
        if mistakes.ndim != 1:
            raise Mistake(f"{shown} returned mistakes of shape {mistakes.shape}; expected one count per epoch.")
        hints = [
            (
                train(X, y, lr, epochs, stop_early=True)[2],
                "run all the epochs; don't stop once an epoch has no mistakes.",
            ),
            (
                train(X, y, lr, epochs, count_after=True)[2],
                "count the mistakes made *during* the epoch, before each update, not after it.",
            ),
            (
                train(X, y, lr, epochs, cumulative=True)[2],
                "count each epoch's mistakes on their own, not a running total.",
            ),
        ]
        if len(mistakes) != epochs and not diagnose(mistakes, hints[:1]):
            raise Mistake(f"{shown} returned {len(mistakes)} mistake counts; expected one per epoch ({epochs}).")
        _expect(shown + " gave mistakes", mistakes, exp_m, hints)
        w = to_array(w, shown + " (w)", shape=exp_w.shape)
        _expect(shown + " gave w =", w, exp_w, [(np.zeros_like(exp_w), "w never changed: update it with each sample.")])
        b = to_array(b, shown + " (b)")
        _expect(shown + " gave b =", b.reshape(()), exp_b)


@exercise("perceptron.accuracy")
def check_accuracy(fn):
    for y_true, y_pred in (
        ([1, 0, 1, 1], [1, 0, 0, 1]),
        (np.array([0, 1, 1]), np.array([0.0, 1.0, 1.0])),
        (np.array([1, 1, 0, 0, 1]), np.array([0, 0, 1, 1, 0])),
    ):
        shown = describe_call("accuracy", (y_true, y_pred))
        out = call(fn, y_true, y_pred, name="accuracy")
        if not isinstance(out, float | np.floating):
            raise Mistake(f"{shown} returned {fmt(out)} ({type(out).__name__}); expected a float between 0 and 1.")
        out = to_array(out, shown, shape=())
        n = len(y_true)
        expected = accuracy(y_true, y_pred)
        _expect(
            shown + " returned",
            out,
            expected,
            [
                (expected * n, "that is the number of matches; divide by the number of samples."),
                (100 * expected, "return a fraction between 0 and 1, not a percentage."),
                (1 - expected, "that is the error rate; accuracy is the fraction of equal entries."),
            ],
        )
