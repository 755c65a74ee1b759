"""Reference answers of notebook 02, backpropagation: the chain rule, activations, softmax, loss, gradients, SGD."""

import numpy as np


def chain_rule_example(x, y, z):
    q = x + y  # forward: q = x + y, f = q z; backward: df/dq = z, df/dz = q, dq/dx = dq/dy = 1
    return q * z, z, z, q


def sigmoid(z):
    return 0.5 * (1 + np.tanh(np.asarray(z, dtype=float) / 2))  # = 1 / (1 + exp(-z)), without overflow


def sigmoid_grad(z):
    s = sigmoid(z)
    return s * (1 - s)


def relu(z):
    return np.maximum(0.0, z)


def relu_grad(z):
    return (np.asarray(z) > 0).astype(float)


def softmax(Z, axis=-1):
    E = np.exp(Z - np.max(Z, axis=axis, keepdims=True))
    return E / E.sum(axis=axis, keepdims=True)


def cross_entropy(P, y, log=np.log):
    P = np.asarray(P, dtype=float)
    return float(-np.mean(log(np.clip(P[np.arange(len(y)), y], 1e-12, 1.0))))


def numerical_gradient(f, x, eps=1e-6, *, forward=False):
    """Central differences (or, with `forward`, the typical forward-difference variant)."""
    grad = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        plus, minus = x.astype(float), x.astype(float)
        plus[i] += eps
        minus[i] -= 0 if forward else eps
        grad[i] = (f(plus) - f(minus)) / (eps if forward else 2 * eps)
    return grad


def dense_forward(X, W, b):
    return X @ W + b


def dense_backward(dZ, X, W):
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)


def sgd_step(params, grads, lr):
    return [p - lr * g for p, g in zip(params, grads, strict=True)]
