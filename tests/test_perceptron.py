"""The perceptron checks name typical mistakes (tests/test_exercises.py proves solutions pass and stubs fail)."""

import numpy as np
from conftest import failing

from course.references import perceptron as ref


def test_step_mistakes():
    failing(
        "perceptron.step",
        lambda z: (np.asarray(z) >= 0).astype(int),
        "step(0.0) returned 1, expected 0",
        "use >, not >=",
    )
    failing("perceptron.step", lambda z: np.sign(z).astype(int), "sign function")
    failing("perceptron.step", lambda z: 1 if z > 0 else 0, "`if` on an array is ambiguous")
    failing("perceptron.step", lambda z: (np.asarray(z) > 0).astype(float), "expected integers")
    failing("perceptron.step", lambda z: np.asarray(z) > 0, "a bool")


def test_predict_mistakes():
    failing("perceptron.perceptron_predict", lambda X, w, b: ref.step(X @ w), "the bias b is missing")
    failing("perceptron.perceptron_predict", lambda X, w, b: X @ w + b, "pass them through step()")
    failing(
        "perceptron.perceptron_predict",
        lambda X, w, b: ref.step(X @ w + b)[:, None],
        "shape (4, 1), expected shape (4,)",
    )


def test_update_mistakes():
    def flipped(w, b, x, y, lr):
        e = ref.step(x @ w + b) - y
        return w + lr * e * x, b + lr * e

    def no_bias(w, b, x, y, lr):
        return w + lr * (y - ref.step(x @ w + b)) * x, b

    def in_place(w, b, x, y, lr):
        e = y - ref.step(x @ w + b)
        w += lr * e * x
        return w, b + lr * e

    failing("perceptron.perceptron_update", flipped, "the sign is flipped")
    failing("perceptron.perceptron_update", no_bias, "the bias must be updated too")
    failing("perceptron.perceptron_update", in_place, "changed its argument #1 in place")
    failing("perceptron.perceptron_update", lambda w, b, x, y, lr: w, "expected a tuple (new_w, new_b)")


def test_train_mistakes():
    failing(
        "perceptron.train_perceptron",
        lambda X, y, lr, epochs: ref.train_perceptron(X, y, lr, epochs, count_after=True),
        "before each update",
    )
    failing(
        "perceptron.train_perceptron",
        lambda X, y, lr, epochs: ref.train_perceptron(X, y, lr, epochs, stop_early=True),
        "run all the epochs",
    )
    failing(
        "perceptron.train_perceptron",
        lambda X, y, lr, epochs: ref.train_perceptron(X, y, lr, epochs, cumulative=True),
        "not a running total",
    )


def test_accuracy_mistakes():
    failing("perceptron.accuracy", lambda a, b: float(np.sum(np.asarray(a) == np.asarray(b))), "number of matches")
    failing(
        "perceptron.accuracy", lambda a, b: 100 * float(np.mean(np.asarray(a) == np.asarray(b))), "not a percentage"
    )
    failing("perceptron.accuracy", lambda a, b: float(np.mean(np.asarray(a) != np.asarray(b))), "error rate")
    failing(
        "perceptron.accuracy", lambda a, b: int(np.sum(np.asarray(a) == np.asarray(b)) // len(a)), "expected a float"
    )


def test_answers_that_pass_small_cases_but_break_the_notebook_later_are_named():
    def rows_only(z):  # a loop over rows: fine on 2-D, fails on the 1-D array that the plot of step passes
        if np.ndim(z) == 0:
            return int(z > 0)
        return np.array([[int(v > 0) for v in row] for row in z])

    def batch_of_one(w, b, x, y, lr):  # the error as an array of shape (1,): the bias becomes one too
        error = y - ref.perceptron_predict(x[None], w, b)
        return w + lr * error * x, b + lr * error

    def bias_array(X, y, lr, epochs):  # b = np.zeros(1): f"{b:.2f}" in the notebook fails on it
        w, b, mistakes = np.zeros(X.shape[1]), np.zeros(1), []
        for _ in range(epochs):
            wrong = 0
            for x_i, y_i in zip(X, y, strict=True):
                wrong += int(ref.step(x_i @ w + b)[0] != y_i)
                w, b = ref.perceptron_update(w, b, x_i, y_i, lr)
            mistakes.append(wrong)
        return w, b, mistakes

    failing("perceptron.step", rows_only, "z may have any shape", "1-D in the plot below")
    failing("perceptron.perceptron_update", batch_of_one, "a bias of shape (1,)", 'f"{b:.2f}"')
    failing("perceptron.train_perceptron", bias_array, "returned b of shape (1,)", 'f"{b:.2f}"')
