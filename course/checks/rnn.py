"""Checks of notebook 06, recurrent networks: RNN cell and sequence, BPTT, clipping, LSTM step, sampling, windows."""

import numpy as np

from course.checks.kit import Given, Mistake, Raised, Unstable, WrongType, array, call, describe, expect, items
from course.grading.registry import register
from course.references import rnn as ref


def normal(seed, *shape, scale=1.0):
    """A small random input a learner can rebuild from the feedback."""
    return Given(f"np.random.default_rng({seed}).normal(size={shape})" + (f" * {scale}" if scale != 1 else ""))


# (n, d, h): the first case has d == h, so swapping x_t and h_prev between the weights runs and is named.
CELL_CASES = [
    (normal(6, 3, 3), normal(7, 3, 3), normal(8, 3, 3, scale=0.7), normal(9, 3, 3, scale=0.7), normal(10, 3)),
    (normal(1, 2, 3), normal(2, 2, 4), normal(3, 3, 4, scale=0.5), normal(4, 4, 4, scale=0.5), normal(5, 4)),
]
# (n, T, d): the first case has n == T, so iterating over the batch axis runs and is named.
FORWARD_CASES = [
    (normal(16, 3, 3, 2), normal(17, 3, 3), normal(18, 2, 3), normal(19, 3, 3, scale=0.6), normal(20, 3)),
    (normal(11, 2, 4, 3), normal(12, 2, 4), normal(13, 3, 4, scale=0.6), normal(14, 4, 4, scale=0.6), normal(15, 4)),
]
FORWARD_NAMES = ("X", "h0", "Wx", "Wh", "b")


def _named(givens, names):
    return [Given(g.expr, name) for g, name in zip(givens, names, strict=True)]


@register("rnn.rnn_cell_forward")
def check_rnn_cell_forward(fn):
    for case in CELL_CASES:
        args = _named(case, ("x_t", "h_prev", "Wx", "Wh", "b"))
        shown = describe("rnn_cell_forward", *args)
        values = [a.value for a in args]
        expected = ref.rnn_cell_forward(*values)
        out = array(call(fn, *args, shown=shown), shown)
        expect(shown, out, expected, ref.cell_variants(*values))


@register("rnn.rnn_forward")
def check_rnn_forward(fn):
    for case in FORWARD_CASES:
        args = _named(case, FORWARD_NAMES)
        shown = describe("rnn_forward", *args)
        values = [a.value for a in args]
        out = array(call(fn, *args, shown=shown), shown)
        expect(shown, out, ref.rnn_forward(*values), ref.forward_variants(*values))


def backward_args(case, seed):
    """Givens (dH, X, H, h0, Wx, Wh, b) for rnn_backward: H is the forward pass of the case."""
    X, h0, Wx, Wh, b = (g.expr for g in case)
    H = f"course.references.rnn.rnn_forward({X}, {h0}, {Wx}, {Wh}, {b})"
    n, T, _ = Given(X).value.shape
    dH = normal(seed, n, T, Given(h0).value.shape[1]).expr
    exprs = (dH, X, H, h0, Wx, Wh, b)
    return [Given(e, name) for e, name in zip(exprs, ("dH", "X", "H", "h0", "Wx", "Wh", "b"), strict=True)]


@register("rnn.rnn_backward")
def check_rnn_backward(fn):
    for case, seed in zip(FORWARD_CASES, (21, 22), strict=True):
        args = backward_args(case, seed)
        shown = describe("rnn_backward", *args)
        values = [a.value for a in args]
        out = items(call(fn, *args, shown=shown), shown, 4, "(dWx, dWh, db, dh0)")
        expected = ref.rnn_backward(*values)
        variants = ref.backward_variants(*values)
        for k, part in enumerate(("dWx", "dWh", "db", "dh0")):
            got = array(out[k], f"{shown}[{k}] ({part})")
            expect(shown, got, expected[k], [(v[k], message) for v, message in variants], part=part)


CLIP_CASES = [
    (Given("[np.array([3.0, 4.0]), np.array([[12.0]])]", "grads"), 5.0),  # global norm 13: clipped
    (Given("[np.array([3.0, 4.0]), np.array([[12.0]])]", "grads"), 20.0),  # below max_norm: unchanged
    (Given("[np.array([[0.5, -1.0], [2.0, 0.0]]), np.array([-2.0, 1.0, 0.5])]", "grads"), 1.0),
]


@register("rnn.clip_by_global_norm")
def check_clip_by_global_norm(fn):
    for grads, max_norm in CLIP_CASES:
        shown = describe("clip_by_global_norm", grads, max_norm)
        clipped, norm = items(call(fn, grads, max_norm, shown=shown), shown, 2, "(clipped, global_norm)")
        arrays = grads.value
        expected, expected_norm = ref.clip_by_global_norm(arrays, max_norm)
        variants = ref.clip_variants(arrays, max_norm)
        norm = array(norm, f"{shown}[1]", shape=())
        norm_hints = [variants[k] for k in ("after", "no_sqrt")]
        expect(shown, norm, expected_norm, norm_hints, part="global_norm")
        clipped = items(clipped, f"{shown}[0]", len(arrays), f"of {len(arrays)} arrays, one per gradient")
        for k, (got, want) in enumerate(zip(clipped, expected, strict=True)):
            hints = [(variants[v][0][k], variants[v][1]) for v in ("each", "always", "no_sqrt_scale")]
            expect(shown, array(got, f"{shown}[0][{k}]"), want, hints, part=f"clipped[{k}]")


LSTM_NAMES = ("x_t", "h_prev", "c_prev", "W", "U", "b")
LSTM_CASES = [
    (normal(31, 2, 3), normal(32, 2, 2), normal(33, 2, 2), normal(34, 3, 8), normal(35, 2, 8), normal(36, 8)),
    (
        normal(41, 1, 2),
        normal(42, 1, 3),
        normal(43, 1, 3, scale=2.0),
        normal(44, 2, 12),
        normal(45, 3, 12),
        normal(46, 12),
    ),
]


@register("rnn.lstm_cell_forward")
def check_lstm_cell_forward(fn):
    for case in LSTM_CASES:
        args = _named(case, LSTM_NAMES)
        shown = describe("lstm_cell_forward", *args)
        values = [a.value for a in args]
        h, c = items(call(fn, *args, shown=shown), shown, 2, "(h_t, c_t)")
        expected = ref.lstm_cell_forward(*values)
        variants = ref.lstm_variants(*values)
        expect(shown, array(c, f"{shown}[1]"), expected[1], [(v[1], m) for v, m in variants], part="c_t")
        expect(shown, array(h, f"{shown}[0]"), expected[0], [(v[0], m) for v, m in variants], part="h_t")


SAMPLES = 200  # draws per distribution: the frequencies then lie within ~0.1 of the probabilities


def _index(fn, logits, temperature, seed, strict=False):
    rng = Given(f"np.random.default_rng({seed})")
    shown = describe("sample_with_temperature", logits, temperature, rng)
    out = call(fn, logits, temperature, rng, shown=shown, strict=strict)
    if isinstance(out, bool) or not isinstance(out, int | np.integer):
        raise WrongType(f"{shown} returned {out!r}; expected an int index (use int(...)).")
    if not 0 <= out < len(logits.value):
        raise Mistake(f"{shown} returned {out}, not an index of logits (0 to {len(logits.value) - 1}).")
    return int(out), shown


@register("rnn.sample_with_temperature")
def check_sample_with_temperature(fn):
    uniform = Given("np.zeros(10)", "logits")
    for seed in range(20):
        first, shown = _index(fn, uniform, 1.0, seed)
        if _index(fn, uniform, 1.0, seed)[0] != first:
            raise Mistake(
                f"{shown} gave different indices in two calls with the same seed: draw with `rng` "
                "(rng.choice(len(p), p=p)), not with np.random's global state.",
                "global random state",
            )
    logits = Given("np.array([0.0, 1.0, 2.0])", "logits")
    for temperature in (0.5, 2.0):
        draws = [_index(fn, logits, temperature, seed)[0] for seed in range(SAMPLES)]
        freq = np.bincount(draws, minlength=3) / SAMPLES
        shown = describe("sample_with_temperature", logits, temperature, Given("np.random.default_rng(seed)"))
        expected = ref.softmax(logits.value / temperature)
        if np.abs(freq - expected).sum() / 2 <= 0.1:
            continue
        candidates = [
            (ref.softmax(logits.value * temperature), "you multiplied the logits by the temperature; divide."),
            (ref.softmax(logits.value), "the temperature is ignored: sample from softmax(logits / temperature)."),
            (np.eye(3)[2], "that is always the argmax; draw at random from the probabilities instead."),
        ]
        hint = next((m for p, m in candidates if np.abs(freq - p).sum() / 2 <= 0.1), None)
        found = f"index frequencies {np.round(freq, 2)} over seeds 0-{SAMPLES - 1}, expected {np.round(expected, 2)}"
        raise Mistake(f"{shown} gave {found}: {hint}" if hint else f"{shown} gave {found}.", hint)
    try:  # the softmax of large logits: np.exp(1000) overflows to inf, and inf / inf is nan
        _index(fn, Given("np.array([1000.0, 999.0, 0.0])", "logits"), 1.0, 0, strict=True)
    except (Raised, Unstable) as e:
        advice = "exp overflows at logits ~1000: subtract the largest logit before np.exp (the softmax is unchanged)."
        raise Mistake(f"{e} {advice}", "overflow at large logits") from None


WINDOW_CASES = [(Given("np.array([3.0, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8])", "series"), 3)]
WINDOW_CASES += [(Given("np.array([2.0, 7, 1, 8, 2, 8])", "series"), 5)]


@register("rnn.make_windows")
def check_make_windows(fn):
    for series, window in WINDOW_CASES:
        shown = describe("make_windows", series, window)
        X, y = items(call(fn, series, window, shown=shown), shown, 2, "(X, y)")
        s = series.value
        X_ref, y_ref = ref.make_windows(s, window)
        hints = [
            (s[window + 1 :], "the target is off by one: y[i] = series[i + window], the value right after X[i]."),
            (s[window:-1], "the last window is dropped: there are N - window windows, range(len(series) - window)."),
            (s[window - 1 : -1], "the target is inside its own window: y[i] = series[i + window], not X[i][-1]."),
        ]
        expect(shown, array(y, f"{shown}[1]"), y_ref, hints, part="y")
        hints = [(X_ref[:-1], "the last window is dropped: there are N - window windows.")]
        expect(shown, array(X, f"{shown}[0]"), X_ref, hints, part="X")
