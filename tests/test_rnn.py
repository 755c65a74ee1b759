"""The RNN checks name each typical mistake of notebook 06; the references agree with Keras and TensorFlow."""

import numpy as np
from conftest import failing

from course import grade
from course.references import rnn as ref


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_references_equal_keras_and_tensorflow():
    import keras
    import tensorflow as tf

    rng = np.random.default_rng(0)
    X, h0 = rng.normal(size=(2, 6, 3)), rng.normal(size=(2, 4))
    Wx, Wh, b = rng.normal(size=(3, 4)), rng.normal(size=(4, 4)) * 0.5, rng.normal(size=4)
    layer = keras.layers.SimpleRNN(4, return_sequences=True)
    layer.build((None, 6, 3))
    layer.set_weights([Wx, Wh, b])
    H = ref.rnn_forward(X, h0, Wx, Wh, b)
    np.testing.assert_allclose(H, layer(X.astype("float32"), initial_state=h0.astype("float32")), atol=1e-5)

    G = rng.normal(size=H.shape)
    variables = [tf.Variable(v) for v in (Wx, Wh, b, h0)]
    with tf.GradientTape() as tape:
        h, loss = variables[3], 0.0
        for t in range(6):
            h = tf.tanh(X[:, t] @ variables[0] + h @ variables[1] + variables[2])
            loss += tf.reduce_sum(h * G[:, t])
    for ours, theirs in zip(ref.rnn_backward(G, X, H, h0, Wx, Wh, b), tape.gradient(loss, variables), strict=True):
        np.testing.assert_allclose(ours, theirs.numpy(), atol=1e-10)

    lstm = keras.layers.LSTM(4, return_state=True)
    lstm.build((None, 1, 3))
    W, U, bias = (w.astype(float) + 0.1 * rng.normal(size=w.shape) for w in lstm.get_weights())
    lstm.set_weights([W, U, bias])
    c0 = rng.normal(size=(2, 4))
    _, h1, c1 = lstm(X[:, :1].astype("float32"), initial_state=[h0.astype("float32"), c0.astype("float32")])
    ours = ref.lstm_cell_forward(X[:, 0], h0, c0, W, U, bias)
    np.testing.assert_allclose(ours[0], h1, atol=1e-5)
    np.testing.assert_allclose(ours[1], c1, atol=1e-5)

    grads = [rng.normal(size=(3, 2)), rng.normal(size=5)]
    for max_norm in (0.5, 100.0):
        clipped, norm = ref.clip_by_global_norm(grads, max_norm)
        theirs, their_norm = tf.clip_by_global_norm(grads, max_norm)
        assert np.isclose(norm, their_norm.numpy())
        for a, b_ in zip(clipped, theirs, strict=True):
            np.testing.assert_allclose(a, b_.numpy())


def test_rnn_cell_forward_mistakes():
    exercise = "rnn.rnn_cell_forward"
    failing(exercise, lambda x, h, Wx, Wh, b: sigmoid(x @ Wx + h @ Wh + b), "uses tanh")
    failing(exercise, lambda x, h, Wx, Wh, b: x @ Wx + h @ Wh + b, "activation is missing")
    failing(exercise, lambda x, h, Wx, Wh, b: np.tanh(x @ Wx + h @ Wh), "bias b is missing")
    failing(exercise, lambda x, h, Wx, Wh, b: np.tanh(x @ Wx + h @ Wh.T + b), "Wh is transposed")
    failing(exercise, lambda x, h, Wx, Wh, b: np.tanh(h @ Wx + x @ Wh + b), "swapped")


def test_rnn_forward_mistakes():
    exercise, cell = "rnn.rnn_forward", ref.rnn_cell_forward

    def from_h0(X, h0, Wx, Wh, b):
        return np.stack([cell(X[:, t], h0, Wx, Wh, b) for t in range(X.shape[1])], axis=1)

    def with_h0(X, h0, Wx, Wh, b):
        H = ref.rnn_forward(X, h0, Wx, Wh, b)
        return np.concatenate([h0[:, None], H[:, :-1]], axis=1)

    def over_batch(X, h0, Wx, Wh, b):
        h, states = h0, []
        for i in range(X.shape[0]):
            h = cell(X[i], h, Wx, Wh, b)
            states.append(h)
        return np.stack(states, axis=1)

    failing(exercise, from_h0, "every step starts from h0")
    failing(exercise, lambda X, h0, Wx, Wh, b: ref.rnn_forward(X, h0, Wx, Wh, b)[:, -1], "only the last state")
    failing(exercise, with_h0, "h0 is included")
    failing(exercise, over_batch, "iterated over the batch axis")


def backward_with(mistake):
    def backward(dH, X, H, h0, Wx, Wh, b):
        variants = ref.backward_variants(dH, X, H, h0, Wx, Wh, b)
        return variants[mistake][0]

    return backward


def test_rnn_backward_mistakes():
    exercise = "rnn.rnn_backward"
    failing(exercise, backward_with(0), "no gradient flows back through time")
    failing(exercise, backward_with(1), "tanh derivative is missing")
    failing(exercise, backward_with(2), "taken at h_{t-1}")
    failing(exercise, backward_with(3), "upstream gradient dH[:, t] at every step")
    failing(exercise, backward_with(4), "dWh uses h_t")

    def written_out_no_carry(dH, X, H, h0, Wx, Wh, b):  # the mistake as a learner writes it
        dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
        for t in range(X.shape[1]):
            h_prev = H[:, t - 1] if t else h0
            dz = dH[:, t] * (1 - H[:, t] ** 2)
            dWx, dWh, db = dWx + X[:, t].T @ dz, dWh + h_prev.T @ dz, db + dz.sum(axis=0)
        return dWx, dWh, db, (dH[:, 0] * (1 - H[:, 0] ** 2)) @ Wh.T

    failing(exercise, written_out_no_carry, "no gradient flows back through time")


def test_clip_by_global_norm_mistakes():
    exercise = "rnn.clip_by_global_norm"

    def per_array(grads, max_norm):
        norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
        return [g * min(1.0, max_norm / np.linalg.norm(g)) for g in grads], norm

    def always(grads, max_norm):
        norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
        return [g * max_norm / norm for g in grads], norm

    def after(grads, max_norm):
        clipped, _ = ref.clip_by_global_norm(grads, max_norm)
        return clipped, float(np.sqrt(sum(np.sum(g**2) for g in clipped)))

    def no_sqrt(grads, max_norm):
        norm = float(sum(np.sum(g**2) for g in grads))
        return [g * min(1.0, max_norm / norm) for g in grads], norm

    def in_place(grads, max_norm):
        norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
        for g in grads:
            g *= min(1.0, max_norm / norm)
        return grads, norm

    failing(exercise, per_array, "clipped by its own norm")
    failing(exercise, always, "below max_norm")
    failing(exercise, after, "before clipping")
    failing(exercise, no_sqrt, "square root is missing")
    failing(exercise, in_place, "in place")


def lstm_with(order="ifco", tanh_c=True, forget_on="c_prev", candidate=np.tanh, input_gate=True):
    def lstm(x_t, h_prev, c_prev, W, U, b):
        z = dict(zip(order, np.split(x_t @ W + h_prev @ U + b, 4, axis=-1), strict=True))
        i, f, g, o = sigmoid(z["i"]), sigmoid(z["f"]), candidate(z["c"]), sigmoid(z["o"])
        written = i * g if input_gate else g
        c = f * c_prev + written if forget_on == "c_prev" else c_prev + f * written
        return o * (np.tanh(c) if tanh_c else c), c

    return lstm


def test_lstm_cell_forward_mistakes():
    exercise = "rnn.lstm_cell_forward"
    assert grade(exercise, lstm_with()).passed
    failing(exercise, lstm_with(order="fico"), "input and forget gates swapped")
    failing(exercise, lstm_with(order="ifoc"), "another gate order")
    failing(exercise, lstm_with(tanh_c=False), "tanh of c_t is missing")
    failing(exercise, lstm_with(forget_on="candidate"), "forget gate multiplies c_prev")
    failing(exercise, lstm_with(candidate=sigmoid), "candidate uses tanh, not a sigmoid")
    failing(exercise, lstm_with(input_gate=False), "input gate is missing")


def test_sample_with_temperature_mistakes():
    exercise = "rnn.sample_with_temperature"

    def sampler(scale, source="rng"):
        def sample(logits, temperature, rng):
            p = ref.softmax(scale(np.asarray(logits, dtype=float), temperature))
            chooser = np.random if source == "global" else rng
            return int(chooser.choice(len(p), p=p))

        return sample

    failing(exercise, sampler(lambda z, t: z * t), "multiplied the logits by the temperature")
    failing(exercise, sampler(lambda z, t: z), "temperature is ignored")
    failing(exercise, lambda logits, temperature, rng: int(np.argmax(logits)), "always the argmax")
    failing(exercise, sampler(lambda z, t: z / t, "global"), "not with np.random's global state")

    def overflowing(logits, temperature, rng):
        p = np.exp(np.asarray(logits, dtype=float) / temperature)
        return int(rng.choice(len(p), p=p / p.sum()))

    failing(exercise, overflowing, "overflow")
    failing(exercise, lambda logits, temperature, rng: float(rng.choice(len(logits))), "expected an int index")


def test_make_windows_mistakes():
    exercise = "rnn.make_windows"

    def windows(series, window, shift=0, drop_last=False):
        count = len(series) - window - (1 if drop_last else 0)
        X = np.stack([series[i : i + window] for i in range(count)])
        return X, np.array([series[i + window + shift] for i in range(count)])

    failing(exercise, lambda s, w: windows(s, w, shift=1, drop_last=True), "off by one")
    failing(exercise, lambda s, w: windows(s, w, drop_last=True), "last window is dropped")
    failing(exercise, lambda s, w: windows(s, w, shift=-1), "inside its own window")


def test_answers_that_break_the_notebook_later_are_named():
    def squeezed(X, h0, Wx, Wh, b):  # fine for n, T >= 2; the gradient experiments run one sequence from T = 1
        h, states = h0, []
        for t in range(X.shape[1]):
            h = ref.rnn_cell_forward(X[:, t], h, Wx, Wh, b)
            states.append(h)
        return np.stack(states, axis=1).squeeze()

    def float32_probabilities(logits, temperature, rng):  # p rounded in float32, then handed over as a list
        z = np.asarray(logits) / temperature
        p = np.exp(z - z.max())
        return int(rng.choice(len(p), p=(p / p.sum()).tolist()))

    def multinomial(logits, temperature, rng):
        z = np.asarray(logits) / temperature
        p = np.exp(z - z.max())
        return int(rng.multinomial(1, p / p.sum()).argmax())

    def lists(series, window):  # X[train] and y[val] fail on lists in the notebook
        n = len(series) - window
        return [series[i : i + window] for i in range(n)], [series[i + window] for i in range(n)]

    failing("rnn.rnn_forward", squeezed, "expected (1, 1, 4)", "don't squeeze")
    for answer in (float32_probabilities, multinomial):
        failing("rnn.sample_with_temperature", answer, "logits as float32", "np.asarray(logits, dtype=float)")
    failing("rnn.make_windows", lists, "returned X as a list", "X[train]")
