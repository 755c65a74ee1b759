"""Checks of notebook 07, attention: scaled dot-product attention, the causal mask, positional encodings, heads."""

import numpy as np

from course.checks.kit import Mistake, Raised, Unstable, array, call, expect, items
from course.checks.shown import describe, part, value_of
from course.grading.cases import Given, adapter, cases
from course.grading.registry import register
from course.references import attention as ref

RESULT_TYPE = adapter("course.checks.adapters:result_type")


def normal(seed, *shape, scale=1.0):
    """A small random input a learner can rebuild from the feedback: (seed, shape, scale) of `inputs.normal`."""
    return seed, shape, scale


def _given(spec, name):
    """A Given of an `inputs.normal` spec, a Given named anew, or a hidden case's plain value as it is."""
    if isinstance(spec, tuple):
        return Given("course.checks.inputs:normal", *spec, name=name)
    if isinstance(spec, Given):
        return Given(spec.function, *spec.args, name=name)
    return spec


MASK = Given("course.checks.inputs:boolean", [[1, 0, 1, 0], [1, 1, 0, 0], [0, 1, 1, 1], [1, 0, 0, 1]])
# (Q, K, V, mask): the first case is self-attention sized (Tq = Tk, d_v = d_k) with a mask, so transposed weights and
# V replaced by K run and are named; then a batch with d_v != d_k; then heads broadcasting a causal (Tq, Tk) mask.
ATTENTION_CASES = [
    (normal(1, 4, 3), normal(2, 4, 3), normal(3, 4, 3), MASK),
    (normal(4, 2, 3, 4, scale=1.5), normal(5, 2, 5, 4, scale=1.5), normal(6, 2, 5, 2), None),
    (
        normal(7, 2, 2, 5, 4),
        normal(8, 2, 2, 5, 4),
        normal(9, 2, 2, 5, 3),
        Given("course.checks.inputs:causal", 5),
    ),
]


def _attention_args(case):
    names = ("Q", "K", "V", "mask")
    return [_given(g, name) for g, name in zip(case, names, strict=False) if g is not None]


def _attention_case(rng, masked):
    """Hidden (Q, K, V, mask): self-attention sized with a random mask that keeps the diagonal, or a batch."""
    T, d = int(rng.integers(2, 6)), int(rng.integers(2, 5))
    if masked:
        mask = rng.random((T, T)) < 0.6
        np.fill_diagonal(mask, True)
        return (*(np.round(rng.normal(size=(T, d)), 2) for _ in range(3)), mask)
    n, Tk, d_v = int(rng.integers(1, 3)), int(rng.integers(2, 6)), int(rng.integers(1, 4))
    Q, K = np.round(rng.normal(size=(n, T, d)), 2), np.round(rng.normal(size=(n, Tk, d)), 2)
    return Q, K, np.round(rng.normal(size=(n, Tk, d_v)), 2), None


@register("attention.scaled_dot_product_attention")
def check_scaled_dot_product_attention(fn):
    hidden = (lambda rng: _attention_case(rng, True), lambda rng: _attention_case(rng, False))
    for case in cases(ATTENTION_CASES, *hidden):
        args = _attention_args(case)
        shown = describe("scaled_dot_product_attention", *args)
        values = [value_of(a) for a in args]
        out, weights = items(call(fn, *args, shown=shown), shown, 2, "(output, weights)")
        expected, expected_weights = ref.scaled_dot_product_attention(*values)
        variants = ref.attention_variants(*values)
        weights = array(weights, part(shown, "[1]"))
        expect(shown, weights, expected_weights, [(v[1], m) for v, m in variants], part="weights")
        expect(shown, array(out, part(shown, "[0]")), expected, [(v[0], m) for v, m in variants], part="output")
    large = [Given("numpy:array", [[30.0, 0.0], [0.0, 30.0]], name="Q")]
    large += [Given("numpy:array", [[40.0, 0.0], [0.0, 40.0]], name="K")]
    large.append(Given("numpy:array", [[1.0, 2.0], [3.0, 4.0]], name="V"))
    shown = describe("scaled_dot_product_attention", *large)
    try:  # scores of 1200 / sqrt(2) ~ 850: np.exp overflows to inf, and inf / inf is nan
        out, weights = items(call(fn, *large, shown=shown, strict=True), shown, 2, "(output, weights)")
    except (Raised, Unstable) as e:
        advice = "exp overflows at scores ~850: subtract each row's largest score before np.exp (softmax unchanged)."
        raise Mistake(f"{e} {advice}", "overflow at large scores") from None
    expected, expected_weights = ref.scaled_dot_product_attention(*(a.value for a in large))
    expect(shown, array(weights, part(shown, "[1]")), expected_weights, part="weights")
    expect(shown, array(out, part(shown, "[0]")), expected, part="output")


@register("attention.causal_mask")
def check_causal_mask(fn):
    for T in cases((4, 6, 1), lambda rng: int(rng.integers(2, 13))):
        shown = describe("causal_mask", T)
        value = call(fn, T, shown=shown)
        mask = array(value, shown, shape=(T, T))
        expected = ref.causal_mask(T)
        hints = [
            (~expected, "the mask is inverted: True on and below the diagonal (position t may attend to 0..t)."),
            (expected.T, "that is the upper triangle: row t (a query) may attend to columns 0..t, np.tril."),
            (np.tril(np.ones((T, T), bool), -1), "the diagonal is excluded: position t may attend to itself."),
        ]
        expect(shown, mask, expected, hints)
        if mask.dtype != bool:
            raise Mistake(f"{shown} returned {mask.dtype} values; return booleans (np.tril(...).astype(bool)).")


@register("attention.positional_encoding")
def check_positional_encoding(fn):
    def draw(rng):
        return int(rng.integers(3, 40)), 2 * int(rng.integers(2, 10))

    for T, d in cases(((6, 6), (5, 8), (50, 16)), draw):
        shown = describe("positional_encoding", T, d)
        out = array(call(fn, T, d, shown=shown), shown, shape=(T, d))
        expect(shown, out, ref.positional_encoding(T, d), ref.positional_variants(T, d))
    shown = describe("positional_encoding", 100, 128)  # as the GPT below calls it, then .astype("float32")
    kind = call(fn, 100, 128, wrap=RESULT_TYPE, shown=shown)
    if kind != "numpy.ndarray":
        raise Mistake(
            f"{shown} returned a {str(kind).rpartition('.')[2]}, not a NumPy array: the GPT below calls "
            'positional_encoding(seq_len, d_model).astype("float32"). Build it with NumPy (np.sin, np.cos, np.zeros).',
            "not a NumPy array",
        )


MHA_NAMES = ("X", "Wq", "Wk", "Wv", "Wo")
MHA_CASES = [  # (X, Wq, Wk, Wv, Wo, heads, masked)
    (normal(11, 5, 8), normal(12, 8, 8, scale=0.5), normal(13, 8, 8, scale=0.5), normal(14, 8, 8), normal(15, 8, 8), 2),
    (normal(16, 4, 6), normal(17, 6, 6, scale=0.5), normal(18, 6, 6, scale=0.5), normal(19, 6, 6), normal(20, 6, 6), 3),
]


def _mha_case(rng):
    """Hidden (X, Wq, Wk, Wv, Wo, heads): T tokens of d = heads * d_head features."""
    heads, d_head, T = int(rng.integers(2, 4)), int(rng.integers(2, 4)), int(rng.integers(3, 7))
    d = heads * d_head
    X = np.round(rng.normal(size=(T, d)), 2)
    return (X, *(np.round(rng.normal(size=(d, d)) * s, 2) for s in (0.5, 0.5, 1.0, 1.0)), heads)


@register("attention.multi_head_attention", uses=("scaled_dot_product_attention",))
def check_multi_head_attention(fn):
    for *givens, heads in cases(MHA_CASES, _mha_case):
        args = [_given(g, name) for g, name in zip(givens, MHA_NAMES, strict=True)]
        T = value_of(args[0]).shape[0]
        causal = (
            Given("course.checks.inputs:causal", T, name="mask")
            if isinstance(givens[0], tuple)
            else ~np.triu(np.ones((T, T), bool), 1)
        )
        for mask in (None, causal):
            full = [*args, heads] if mask is None else [*args, heads, mask]
            shown = describe("multi_head_attention", *full)
            values = [value_of(a) for a in full]
            out = array(call(fn, *full, shown=shown), shown)
            expect(shown, out, ref.multi_head_attention(*values), ref.mha_variants(*values))
