"""Checks of notebook 06, recurrent networks: RNN cell and sequence, BPTT, clipping, LSTM step, sampling, windows."""

import numpy as np

from course.checks.kit import Described, Given, WrongShape, array, call, cases, describe, expect, items, part, value_of
from course.grading.registry import register
from course.references import rnn as ref


def normal(seed, *shape, scale=1.0):
    """A small random input a learner can rebuild from the feedback: (seed, shape, scale) of `inputs.normal`."""
    return seed, shape, scale


def draw_normal(rng, *shape, scale=1.0):
    """A hidden input: normal numbers with two decimals."""
    return np.round(rng.normal(size=shape) * scale, 2)


# (n, d, h): the first case has d == h, so swapping x_t and h_prev between the weights runs and is named.
CELL_CASES = [
    (normal(6, 3, 3), normal(7, 3, 3), normal(8, 3, 3, scale=0.7), normal(9, 3, 3, scale=0.7), normal(10, 3)),
    (normal(1, 2, 3), normal(2, 2, 4), normal(3, 3, 4, scale=0.5), normal(4, 4, 4, scale=0.5), normal(5, 4)),
]
# (n, T, d): the first case has n == T, so iterating over the batch axis runs and is named.
FORWARD_CASES = [
    (normal(16, 3, 3, 2), normal(17, 3, 3), normal(18, 2, 3), normal(19, 3, 3, scale=0.6), normal(20, 3)),
    (normal(11, 2, 4, 3), normal(12, 2, 4), normal(13, 3, 4, scale=0.6), normal(14, 4, 4, scale=0.6), normal(15, 4)),
    # one sequence of one step, as the gradient experiments of the notebook start (n = 1, T = 1)
    (normal(23, 1, 1, 3), normal(24, 1, 4), normal(25, 3, 4, scale=0.6), normal(26, 4, 4, scale=0.6), normal(27, 4)),
]
FORWARD_NAMES = ("X", "h0", "Wx", "Wh", "b")


def _named(specs, names):
    """Givens of the inputs.normal specs, named; a hidden case's plain values as they are."""
    return [
        Given("course.checks.inputs:normal", *spec, name=name) if isinstance(spec, tuple) else spec
        for spec, name in zip(specs, names, strict=True)
    ]


def _cell_case(rng, square):
    """Hidden (x_t, h_prev, Wx, Wh, b); with d == h when `square` (swapping x_t and h_prev then runs)."""
    n, d, h = int(rng.integers(1, 5)), int(rng.integers(1, 5)), int(rng.integers(2, 5))  # h > 1: Wh.T differs
    d = h if square else d
    return tuple(
        draw_normal(rng, *shape, scale=scale)
        for shape, scale in (((n, d), 1), ((n, h), 1), ((d, h), 0.6), ((h, h), 0.6), ((h,), 1))
    )


def _forward_case(rng, square):
    """Hidden (X, h0, Wx, Wh, b) of n sequences of T steps; n == T when `square` (mixing the axes then runs)."""
    n, T, d, h = (int(v) for v in rng.integers(2, 5, size=4))
    T = n if square else T
    return tuple(
        draw_normal(rng, *shape, scale=scale)
        for shape, scale in (((n, T, d), 1), ((n, h), 1), ((d, h), 0.6), ((h, h), 0.6), ((h,), 1))
    )


@register("rnn.rnn_cell_forward")
def check_rnn_cell_forward(fn):
    for case in cases(CELL_CASES, lambda rng: _cell_case(rng, True), lambda rng: _cell_case(rng, False)):
        args = _named(case, ("x_t", "h_prev", "Wx", "Wh", "b"))
        shown = describe("rnn_cell_forward", *args)
        values = [value_of(a) for a in args]
        expected = ref.rnn_cell_forward(*values)
        out = array(call(fn, *args, shown=shown), shown)
        expect(shown, out, expected, ref.cell_variants(*values))


@register("rnn.rnn_forward", uses=("rnn_cell_forward",))
def check_rnn_forward(fn):
    for case in cases(FORWARD_CASES, lambda rng: _forward_case(rng, True), lambda rng: _forward_case(rng, False)):
        args = _named(case, FORWARD_NAMES)
        shown = describe("rnn_forward", *args)
        values = [value_of(a) for a in args]
        out = array(call(fn, *args, shown=shown), shown)
        expected = ref.rnn_forward(*values)
        if out.shape != expected.shape and out.size == expected.size and 1 in expected.shape[:2]:
            raise WrongShape(
                f"{shown} returned shape {out.shape}, expected {expected.shape}: one sequence (n = 1) or one step "
                "(T = 1) keeps its axis, as the gradient experiments below need; don't squeeze.",
                "squeezed a batch of one",
            )
        expect(shown, out, expected, ref.forward_variants(*values))


def backward_args(case, seed):
    """(dH, X, H, h0, Wx, Wh, b) for rnn_backward: H is the forward pass of the case, computed here, sent as data."""
    X, h0, Wx, Wh, b = _named(case, FORWARD_NAMES)
    values = [value_of(a) for a in (X, h0, Wx, Wh, b)]
    n, T, _ = values[0].shape
    dH = _named([normal(seed, n, T, values[1].shape[1])], ["dH"])[0]
    H = Described(ref.rnn_forward(*values), "H") if isinstance(case[0], tuple) else ref.rnn_forward(*values)
    return [dH, X, H, h0, Wx, Wh, b]


def _hidden_backward(rng, square):
    case = _forward_case(rng, square)
    n, T, _ = case[0].shape
    return [draw_normal(rng, n, T, case[1].shape[1]), case[0], ref.rnn_forward(*case), *case[1:]]


@register("rnn.rnn_backward")
def check_rnn_backward(fn):
    visible = [backward_args(case, seed) for case, seed in zip(FORWARD_CASES, (21, 22, 28), strict=True)]
    for args in cases(visible, lambda rng: _hidden_backward(rng, True), lambda rng: _hidden_backward(rng, False)):
        shown = describe("rnn_backward", *args)
        values = [value_of(a) for a in args]
        out = items(call(fn, *args, shown=shown), shown, 4, "(dWx, dWh, db, dh0)")
        expected = ref.rnn_backward(*values)
        variants = ref.backward_variants(*values)
        for k, name in enumerate(("dWx", "dWh", "db", "dh0")):
            got = array(out[k], part(shown, f"[{k}]", name))
            expect(shown, got, expected[k], [(v[k], message) for v, message in variants], part=name)


CLIP_CASES = [
    (Given("course.checks.inputs:arrays", [3.0, 4.0], [[12.0]], name="grads"), 5.0),  # global norm 13: clipped
    (Given("course.checks.inputs:arrays", [3.0, 4.0], [[12.0]], name="grads"), 20.0),  # below max_norm: unchanged
    (Given("course.checks.inputs:arrays", [[0.5, -1.0], [2.0, 0.0]], [-2.0, 1.0, 0.5], name="grads"), 1.0),
]


def _clip_case(rng, clipped):
    """Hidden (grads, max_norm): 2 or 3 arrays, max_norm below their global norm when `clipped`, else above it."""
    grads = [draw_normal(rng, *(int(v) for v in rng.integers(1, 4, size=rng.integers(1, 3)))) for _ in range(2)]
    norm = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    return grads, round(norm * (0.5 if clipped else 1.5), 2) or 0.01


@register("rnn.clip_by_global_norm")
def check_clip_by_global_norm(fn):
    for grads, max_norm in cases(CLIP_CASES, lambda rng: _clip_case(rng, True), lambda rng: _clip_case(rng, False)):
        shown = describe("clip_by_global_norm", grads, max_norm)
        clipped, norm = items(call(fn, grads, max_norm, shown=shown), shown, 2, "(clipped, global_norm)")
        arrays = value_of(grads)
        expected, expected_norm = ref.clip_by_global_norm(arrays, max_norm)
        variants = ref.clip_variants(arrays, max_norm)
        norm = array(norm, part(shown, "[1]"), shape=())
        norm_hints = [variants[k] for k in ("after", "no_sqrt")]
        expect(shown, norm, expected_norm, norm_hints, part="global_norm")
        clipped = items(clipped, part(shown, "[0]"), len(arrays), f"of {len(arrays)} arrays, one per gradient")
        for k, (got, want) in enumerate(zip(clipped, expected, strict=True)):
            hints = [(variants[v][0][k], variants[v][1]) for v in ("each", "always", "no_sqrt_scale")]
            expect(shown, array(got, part(shown, f"[0][{k}]")), want, hints, part=f"clipped[{k}]")


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


def _lstm_case(rng):
    """Hidden (x_t, h_prev, c_prev, W, U, b) of n samples, d inputs and h units (4h gate columns)."""
    n, d, h = int(rng.integers(1, 4)), int(rng.integers(1, 4)), int(rng.integers(2, 4))
    shapes = ((n, d), (n, h), (n, h), (d, 4 * h), (h, 4 * h), (4 * h,))
    return tuple(draw_normal(rng, *shape) for shape in shapes)


@register("rnn.lstm_cell_forward")
def check_lstm_cell_forward(fn):
    for case in cases(LSTM_CASES, _lstm_case, _lstm_case):
        args = _named(case, LSTM_NAMES)
        shown = describe("lstm_cell_forward", *args)
        values = [value_of(a) for a in args]
        h, c = items(call(fn, *args, shown=shown), shown, 2, "(h_t, c_t)")
        expected = ref.lstm_cell_forward(*values)
        variants = ref.lstm_variants(*values)
        expect(shown, array(c, part(shown, "[1]")), expected[1], [(v[1], m) for v, m in variants], part="c_t")
        expect(shown, array(h, part(shown, "[0]")), expected[0], [(v[0], m) for v, m in variants], part="h_t")
