"""Hints for notebook 06, recurrent networks: the cell, the sequence, BPTT, clipping, an LSTM step, sampling, windows."""

HINTS = {
    "rnn_cell_forward": (
        "h_t = tanh(x_t Wx + h_prev Wh + b) in Keras's layout: x_t (n, d) goes with Wx (d, h), h_prev (n, h) with "
        "Wh (h, h), with no transposes; tanh, not the sigmoid; the bias included. The result is (n, h).",
        "One line: `np.tanh(x_t @ Wx + h_prev @ Wh + b)`.",
    ),
    "rnn_forward": (
        "Time is axis 1 of X (n, T, d), not the batch axis 0. Carry the state: each step starts from the previous "
        "step's h, and only the first from h0. Return every state, stacked on axis 1, (n, T, h), without h0.",
        "`for t in range(X.shape[1]): h = rnn_cell_forward(X[:, t], h, Wx, Wh, b)`, appending each h, then "
        "`np.stack(states, axis=1)`.",
    ),
    "rnn_backward": (
        "Walk t from T - 1 down to 0. The gradient at h_t is the loss's own dH[:, t] plus dh_next from step t + 1, at "
        "every step; through the tanh multiply by 1 - h_t², at the step's own output H[:, t]. The weights collect a "
        "share from every step; Wh multiplied h_{t-1} (h0 at t = 0), so dWh takes h_{t-1}, not h_t. What is left "
        "after step 0 is dh0.",
        "`dz = (dH[:, t] + dh_next) * (1 - H[:, t] ** 2)`; `dWx += X[:, t].T @ dz`; `dWh += h_prev.T @ dz`; "
        "`db += dz.sum(axis=0)`; `dh_next = dz @ Wh.T`.",
    ),
    "clip_by_global_norm": (
        "One norm for all the arrays together, the square root of the sum of every squared entry of every gradient, "
        "not one norm per array. Scale every array by the same factor max_norm / global_norm, and only when "
        "global_norm exceeds max_norm; return the norm measured before clipping. Leave the input arrays unchanged.",
        "`global_norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))`, `scale = min(1.0, max_norm / global_norm)` "
        "(1 when the norm is 0), then `[g * scale for g in grads]`.",
    ),
    "lstm_cell_forward": (
        "Compute the four blocks at once, z = x_t W + h_prev U + b of shape (n, 4h), and cut it in Keras's order: "
        "input, forget, candidate, output. The gates are sigmoids, the candidate a tanh; the forget gate multiplies "
        "c_prev, the input gate the candidate; and h_t is the output gate times tanh(c_t).",
        "`i, f, g, o = np.split(z, 4, axis=-1)`; `c_t = sigmoid(f) * c_prev + sigmoid(i) * np.tanh(g)`; "
        "`return sigmoid(o) * np.tanh(c_t), c_t`, with the stable `sigmoid(z) = 0.5 * (1 + np.tanh(z / 2))`.",
    ),
    "sample_with_temperature": (
        "Divide the logits by the temperature (not multiply), softmax them stably (subtract the largest before "
        "np.exp: logits around 1000 overflow), and draw with the Generator you are given, not np.random's global "
        "state, so that the same seed gives the same index. Return a plain int drawn at random, not the argmax.",
        "`z = np.asarray(logits, dtype=float) / temperature`; `p = np.exp(z - z.max())`; `p /= p.sum()`; "
        "`int(rng.choice(len(p), p=p))`.",
    ),
    "make_windows": (
        "There are N - window windows: X[i] = series[i : i + window], and its target y[i] = series[i + window], the "
        "value right after the window (not the window's own last value, not one further on). The last window is the "
        "one whose target is the series' last value.",
        "`X = np.stack([series[i : i + window] for i in range(len(series) - window)])` and `y = series[window:]`.",
    ),
}
