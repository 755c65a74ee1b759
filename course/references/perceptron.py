"""Reference answers of notebook 01, the perceptron of Rosenblatt: y_hat = step(w . x + b)."""

import numpy as np


def step(z):
    return (np.asarray(z) > 0).astype(int)


def perceptron_predict(X, w, b):
    return step(np.asarray(X) @ np.asarray(w) + b)


def perceptron_update(w, b, x, y, lr):
    error = y - step(np.dot(x, w) + b)
    return np.asarray(w) + lr * error * np.asarray(x), b + lr * error


def train_perceptron(X, y, lr, epochs, *, count_after=False, stop_early=False, cumulative=False):
    """The perceptron rule from zeros; the keyword flags give typical wrong variants for diagnosis."""
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    w, b, mistakes = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        wrong = 0
        for x_i, y_i in zip(X, y, strict=True):
            wrong += int(step(x_i @ w + b) != y_i)
            w, b = perceptron_update(w, b, x_i, y_i, lr)
        if count_after:
            wrong = int(np.sum(perceptron_predict(X, w, b) != y))
        mistakes.append(wrong + (mistakes[-1] if cumulative and mistakes else 0))
        if stop_early and wrong == 0:
            break
    return w, b, mistakes


def accuracy(y_true, y_pred):
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))
