"""Reference answers of notebook 06, recurrent networks, and the typical wrong answers its checks recognise."""

import numpy as np


def sigmoid(z):
    return 0.5 * (1 + np.tanh(np.asarray(z, dtype=float) / 2))  # = 1 / (1 + exp(-z)), without overflow


def rnn_cell_forward(x_t, h_prev, Wx, Wh, b):
    return np.tanh(x_t @ Wx + h_prev @ Wh + b)


def rnn_forward(X, h0, Wx, Wh, b):
    h, states = h0, []
    for t in range(X.shape[1]):
        h = rnn_cell_forward(X[:, t], h, Wx, Wh, b)
        states.append(h)
    return np.stack(states, axis=1)


def rnn_backward(dH, X, H, h0, Wx, Wh, b):
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    dh_next = np.zeros_like(h0)  # dL/dh_t arriving from step t + 1
    for t in reversed(range(X.shape[1])):
        h_prev = H[:, t - 1] if t > 0 else h0
        dz = (dH[:, t] + dh_next) * (1 - H[:, t] ** 2)  # through tanh, taken at h_t
        dWx += X[:, t].T @ dz
        dWh += h_prev.T @ dz
        db += dz.sum(axis=0)
        dh_next = dz @ Wh.T
    return dWx, dWh, db, dh_next


def clip_by_global_norm(grads, max_norm):
    global_norm = float(np.sqrt(sum(np.sum(np.square(g)) for g in grads)))
    scale = min(1.0, max_norm / global_norm) if global_norm > 0 else 1.0
    return [g * scale for g in grads], global_norm


def lstm_cell_forward(x_t, h_prev, c_prev, W, U, b):
    z = x_t @ W + h_prev @ U + b
    i, f, g, o = np.split(z, 4, axis=-1)  # Keras's order: input, forget, candidate, output
    c_t = sigmoid(f) * c_prev + sigmoid(i) * np.tanh(g)
    return sigmoid(o) * np.tanh(c_t), c_t


def softmax(z):
    e = np.exp(z - np.max(z))
    return e / e.sum()


def sample_with_temperature(logits, temperature, rng):
    p = softmax(np.asarray(logits, dtype=float) / temperature)
    return int(rng.choice(len(p), p=p))


def make_windows(series, window):
    X = np.stack([series[i : i + window] for i in range(len(series) - window)])
    return X, series[window:]


# Typical wrong answers, named by the mistake; the checks compare a learner's output with theirs.


def cell_variants(x_t, h_prev, Wx, Wh, b):
    z = x_t @ Wx + h_prev @ Wh + b
    wrong = [
        (sigmoid(z), "that is the sigmoid; a simple RNN cell uses tanh: h_t = tanh(x_t Wx + h_prev Wh + b)."),
        (z, "the activation is missing: h_t = tanh(x_t Wx + h_prev Wh + b)."),
        (np.tanh(x_t @ Wx + h_prev @ Wh), "the bias b is missing."),
        (np.tanh(x_t @ Wx + h_prev @ Wh.T + b), "Wh is transposed: use h_prev @ Wh (Keras's recurrent_kernel layout)."),
    ]
    if Wx.shape[0] == Wh.shape[0]:
        wrong.append((np.tanh(h_prev @ Wx + x_t @ Wh + b), "x_t and h_prev are swapped: x_t goes with Wx."))
    return wrong


def forward_variants(X, h0, Wx, Wh, b):
    steps = [rnn_cell_forward(X[:, t], h0, Wx, Wh, b) for t in range(X.shape[1])]
    full = rnn_forward(X, h0, Wx, Wh, b)
    wrong = [
        (np.stack(steps, axis=1), "every step starts from h0: carry h from one step to the next."),
        (full[:, -1], "that is only the last state; return every state, shape (n, T, h)."),
        (np.concatenate([h0[:, None], full[:, :-1]], axis=1), "h0 is included and the last state dropped."),
    ]
    if X.shape[0] == X.shape[1]:
        swapped = rnn_forward(np.swapaxes(X, 0, 1), h0, Wx, Wh, b)
        wrong.append((swapped, "you iterated over the batch axis; time is axis 1 of X (n, T, d)."))
    return wrong


def backward_variants(dH, X, H, h0, Wx, Wh, b):
    """Each wrong BPTT, as (dWx, dWh, db, dh0), with its message."""
    n, T = X.shape[:2]
    out = {}
    for name in ("no_carry", "no_tanh", "tanh_prev", "no_upstream", "dWh_h_t"):
        dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
        dh_next = np.zeros_like(h0)
        for t in reversed(range(T)):
            h_prev = H[:, t - 1] if t > 0 else h0
            upstream = dH[:, t] if name != "no_upstream" or t == T - 1 else 0
            dh = upstream + (dh_next if name != "no_carry" else 0)
            local = {"no_tanh": 1.0, "tanh_prev": 1 - h_prev**2}.get(name, 1 - H[:, t] ** 2)
            dz = dh * local
            dWx += X[:, t].T @ dz
            dWh += (H[:, t] if name == "dWh_h_t" else h_prev).T @ dz
            db += dz.sum(axis=0)
            dh_next = dz @ Wh.T
        out[name] = (dWx, dWh, db, dh_next)
    return [
        (out["no_carry"], "no gradient flows back through time: add dh_next = dz @ Wh.T to dH[:, t-1]."),
        (out["no_tanh"], "the tanh derivative is missing: multiply by (1 - h_t²)."),
        (out["tanh_prev"], "the tanh derivative is taken at h_{t-1}; it is 1 - h_t², at the step's own output."),
        (out["no_upstream"], "add the upstream gradient dH[:, t] at every step, not only at the last."),
        (out["dWh_h_t"], "dWh uses h_t; the weight Wh multiplies h_{t-1}, so dWh += h_{t-1}.T @ dz."),
    ]


def clip_variants(grads, max_norm):
    norms = [float(np.sqrt(np.sum(np.square(g)))) for g in grads]
    global_norm = float(np.sqrt(sum(n**2 for n in norms)))
    each = [g * min(1.0, max_norm / n) if n > 0 else g for g, n in zip(grads, norms, strict=True)]
    squared = sum(n**2 for n in norms)
    return {
        "each": (each, "each array is clipped by its own norm; scale all of them by max_norm / global_norm."),
        "always": (
            [g * max_norm / global_norm for g in grads],
            "you scaled although the norm is below max_norm; clip only when global_norm > max_norm.",
        ),
        "after": (min(global_norm, max_norm), "return the global norm before clipping, as tf.clip_by_global_norm."),
        "no_sqrt": (squared, "the square root is missing: the norm is sqrt(sum of all squared entries)."),
        "no_sqrt_scale": (
            [g * min(1.0, max_norm / squared) for g in grads],
            "the square root is missing: the norm is sqrt(sum of all squared entries).",
        ),
    }


def lstm_variants(x_t, h_prev, c_prev, W, U, b):
    z = x_t @ W + h_prev @ U + b
    i, f, g, o = np.split(z, 4, axis=-1)
    s = sigmoid

    def out(c):
        return s(o) * np.tanh(c), c

    def no_tanh(c):
        return s(o) * c, c

    return [
        (out(s(i) * c_prev + s(f) * np.tanh(g)), "input and forget gates swapped; Keras's order is i, f, c, o."),
        (out(s(f) * c_prev + s(i) * np.tanh(o)), "another gate order; Keras's is input, forget, candidate, output."),
        (no_tanh(s(f) * c_prev + s(i) * np.tanh(g)), "h_t = o * tanh(c_t): the tanh of c_t is missing."),
        (out(c_prev + s(f) * s(i) * np.tanh(g)), "the forget gate multiplies c_prev, not the candidate."),
        (out(s(f) * c_prev + s(i) * s(g)), "the candidate uses tanh, not a sigmoid."),
        (out(s(f) * c_prev + np.tanh(g)), "the input gate is missing: c_t = f * c_prev + i * tanh(candidate)."),
    ]
