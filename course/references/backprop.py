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


# Notebook 02, exercises 11 to 15: the network's forward pass, its loss gradient, its backward pass and training.


def softmax_cross_entropy_grad(P, y):
    """(P - Y) / n, Y the one-hot labels: the gradient of the mean cross-entropy with respect to the logits."""
    dZ = np.array(P, dtype=float)  # a copy: P stays as it is
    dZ[np.arange(len(y)), y] -= 1
    return dZ / len(y)


def mlp_forward(params, X, act=relu, *, act_on_logits=False, cache_of="input", pair="AZ"):
    """The logits of the MLP on X, and each layer's (input, pre-activation), as notebook 02 defines it.

    The keyword switches give typical wrong variants: an activation on the logits too, a cache of each layer's
    output instead of its input (`cache_of="output"`), pairs in the order (Z, A) (`pair="ZA"`).
    """
    A, cache = X, []
    for i in range(0, len(params), 2):
        Z = A @ params[i] + params[i + 1]
        last = i + 2 == len(params)
        out = act(Z) if act_on_logits or not last else Z
        entry = (A if cache_of == "input" else out, Z)
        cache.append(entry if pair == "AZ" else entry[::-1])
        A = out
    return A, cache


def mlp_backward(
    dZ,
    cache,
    params,
    act_grad=relu_grad,
    *,
    skip_act_grad=False,
    same_layer_z=False,
    grad_of_a=False,
    pairs_reversed=False,
    flat_reversed=False,
):
    """Gradients [dW1, db1, ...] of the MLP from dZ = dLoss/dlogits; the keyword flags give typical wrong variants:
    `pairs_reversed` the last layer's pair first, `flat_reversed` [db1, dW1, ...] (a reversed list of (dW, db))."""
    grads = [None] * len(params)
    for layer in reversed(range(len(cache))):
        A = cache[layer][0]
        dA, grads[2 * layer], grads[2 * layer + 1] = dZ @ params[2 * layer].T, A.T @ dZ, dZ.sum(axis=0)
        if layer > 0:
            if skip_act_grad:
                dZ = dA
            elif grad_of_a:
                dZ = dA * act_grad(A)  # the activation A = act(Z) instead of Z
            else:
                dZ = dA * act_grad(cache[layer if same_layer_z else layer - 1][1])
    if pairs_reversed:
        grads = [g for i in reversed(range(0, len(grads), 2)) for g in grads[i : i + 2]]
    if flat_reversed:  # (dW, db) appended last layer first, then the whole list reversed: each pair swapped
        grads = [grads[i ^ 1] for i in range(len(grads))]
    return grads


def mlp_loss_and_grads(params, X, y, act=relu, act_grad=relu_grad):
    """Mean cross-entropy of the MLP on (X, y) and its gradients, as notebook 02 assembles them."""
    logits, cache = mlp_forward(params, X, act)
    P = softmax(logits)
    return cross_entropy(P, y), mlp_backward(softmax_cross_entropy_grad(P, y), cache, params, act_grad)


def init_mlp(sizes, rng, std=lambda d: np.sqrt(2 / d)):
    """Parameters [W1, b1, W2, b2, ...] as notebook 02 draws them."""
    params = []
    for d, m in zip(sizes[:-1], sizes[1:], strict=False):
        params += [rng.normal(0, std(d), size=(d, m)), np.zeros(m)]
    return params


def train_epoch(params, X, y, lr, batch_size, rng, *, shuffle=True, drop_last=False, loss_of="mean"):
    """One epoch of mini-batch SGD: (new params, mean batch loss); the keyword flags give typical wrong variants."""
    order = rng.permutation(len(X)) if shuffle else np.arange(len(X))
    stop = len(X) - batch_size + 1 if drop_last else len(X)
    new, losses, sizes = list(params), [], []
    for i in range(0, stop, batch_size):
        batch = order[i : i + batch_size]
        loss, grads = mlp_loss_and_grads(new, X[batch], y[batch])
        new = [p - lr * g for p, g in zip(new, grads, strict=True)]
        losses.append(loss)
        sizes.append(len(batch))
    summary = {
        "mean": np.mean(losses),
        "last": losses[-1],
        "sum": np.sum(losses),
        "per_sample": np.average(losses, weights=sizes),
    }[loss_of]
    return new, float(summary)
