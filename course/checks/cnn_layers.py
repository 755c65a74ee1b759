"""Checks of notebook 04's layers written in NumPy: inverted dropout and batch normalisation."""

import numpy as np

from course.checks.cnn import _with_hint
from course.checks.kit import Given, Mistake, array, call, cases, diagnose, expect, fmt, hidden, label, value_of
from course.grading.registry import register
from course.references import cnn as ref


def _dropout(fn, x, rate, training, seed):
    """The learner's dropout on the input x (a Given, or a hidden array) with a fresh Generator, and the call as text."""
    rng = Given("numpy.random:default_rng", seed)
    shown = label("dropout", f"dropout({getattr(x, 'code', 'x')}, rate={rate}, training={training}, rng={rng.code})")
    out = call(fn, x, rate, training, rng, shown=shown)
    x = value_of(x)
    return x, array(out, shown, shape=x.shape), shown


def _dropout_case(rng):
    """Hidden (x, rate, seed): 20 to 30 x 30 to 50 nonzero values, a rate of 0.2 to 0.4 (never 1 - rate)."""
    shape = int(rng.integers(20, 31)), int(rng.integers(30, 51))
    x = rng.integers(1, 30, size=shape) * rng.choice([-1.0, 1.0])
    return x, float(rng.choice([0.2, 0.25, 0.3, 0.4])), int(rng.integers(0, 2**31))


def _share(out, shown, rate, tolerance):
    """The share of zeroed entries must be about `rate`; else name the likely mistake."""
    dropped = float(np.mean(out == 0))
    if abs(dropped - rate) > tolerance:
        inverted = abs(dropped - (1 - rate)) < tolerance
        hint = "rate is the probability to drop an entry, not to keep it" if inverted else "draw one number per entry"
        share = "a share of the entries far from the rate" if hidden() else f"{dropped:.1%} of the entries"
        raise Mistake(f"{shown} zeroed {share}, expected about {fmt(rate)}: {hint}.", hint)


def _check_hidden_dropout(fn, x, rate, seed):
    """A hidden case: x unchanged at inference; in training every entry 0 or x / (1 - rate), the same per seed."""
    x, out, shown = _dropout(fn, x, rate, False, seed)
    if not np.array_equal(out, x):
        hint = diagnose(out, [((1 - rate) * x, "inverted dropout already scaled the survivors during training.")])
        raise _with_hint(f"{shown} changed x: at inference return x unchanged", hint)
    x, out, shown = _dropout(fn, x, rate, True, seed)
    _share(out, shown, rate, 0.08)  # at least 600 entries: the share of a right answer is within 0.08 of the rate
    kept = out != 0
    for scale, hint in (
        (1.0, "scale the survivors by 1 / (1 - rate)"),
        (1 - rate, "divide the survivors by (1 - rate), don't multiply"),
        (1 / rate, "scale by 1 / (1 - rate), not 1 / rate"),
    ):
        if kept.any() and not np.isclose(scale, 1 / (1 - rate)) and np.allclose(out[kept], scale * x[kept]):
            raise Mistake(f"{shown}: {hint}, so that the expected value of each entry stays x.", hint)
    if not np.allclose(out[kept], x[kept] / (1 - rate)):
        raise Mistake(f"{shown}: every entry must be 0 or x / (1 - rate).")
    if not np.array_equal(_dropout(fn, x, rate, True, seed)[1], out):
        hint = "draw the mask from `rng`"
        raise Mistake(f"{shown} gave a different result the second time: {hint} (rng.random(...)).", hint)


@register("cnn.dropout")
def check_dropout(fn):
    for case in cases([None], _dropout_case, _dropout_case):  # the visible checks, then hidden inputs and rates
        _check_visible_dropout(fn) if case is None else _check_hidden_dropout(fn, *case)


def _check_visible_dropout(fn):
    """Inference, training, scaling, the rng, the share dropped and the mean, rate 0 on small known inputs."""
    small = Given("course.checks.inputs:grid", 1.0, 21.0, (4, 5), name="x")
    x, out, shown = _dropout(fn, small, 0.25, False, 0)
    if not np.array_equal(out, x):
        hint = diagnose(out, [(0.75 * x, "inverted dropout already scaled the survivors during training.")])
        raise _with_hint(f"{shown} changed x: at inference return x unchanged", hint)
    x, out, shown = _dropout(fn, small, 0.25, True, 0)
    kept = out != 0
    if not kept.any():
        raise Mistake(f"{shown} returned all zeros: drop each entry with probability `rate`, not all of them.")
    if np.array_equal(out, x):
        raise Mistake(f"{shown} returned x unchanged: in training, zero each entry with probability `rate`.")
    if kept.all():
        raise Mistake(f"{shown} dropped none of the 20 entries: draw one random number per entry, rng.random(x.shape).")
    for scale, hint in (
        (1.0, "scale the survivors by 1 / (1 - rate)"),
        (0.75, "divide the survivors by (1 - rate), don't multiply"),
        (4.0, "scale by 1 / (1 - rate), not 1 / rate"),
    ):
        if np.allclose(out[kept], scale * x[kept]):
            message = f"{shown} returned {fmt(out)}: {hint}, so that the expected value of each entry stays x."
            raise Mistake(message, hint)
    if not np.allclose(out[kept], x[kept] / 0.75):
        raise Mistake(f"{shown} returned {fmt(out)}: every entry must be 0 or x / (1 - rate).")
    if not np.array_equal(_dropout(fn, small, 0.25, True, 0)[1], out):
        hint = "draw the mask from `rng`"
        raise Mistake(f"{shown} gave a different result the second time: {hint} (rng.random(...)).", hint)
    if all(np.array_equal(_dropout(fn, small, 0.25, True, seed)[1], out) for seed in (1, 2)):
        raise Mistake(f"{shown} drops the same entries whatever the rng: draw a random mask from `rng`.")
    x, out, shown = _dropout(fn, Given("numpy:ones", (200, 500), name="x"), 0.3, True, 3)
    _share(out, shown, 0.3, 0.01)
    if abs(out.mean() - 1.0) > 0.02:
        raise Mistake(f"{shown} has mean {out.mean():.3f}; inverted dropout keeps the mean of the input, 1.0.")
    x, out, shown = _dropout(fn, small, 0.0, True, 0)
    if not np.allclose(out, x):
        raise Mistake(f"{shown} changed x: with rate 0 nothing is dropped.")


BATCHNORM_CASES = (  # (x, gamma, beta, eps or None for the default); small variances, so that eps matters
    (
        Given("numpy:array", [[0.1, 0.2, 0.0], [0.2, 0.1, 0.05], [0.15, 0.3, 0.1], [0.05, 0.2, 0.0]], name="x"),
        [1, 2, 0.5],
        [0, 1, -1],
        None,
    ),
    (Given("course.checks.inputs:waves", (2, 3, 3, 2), 1 / 20, name="x"), [1.5, 0.5], [0.2, -0.3], None),
    (Given("numpy:array", [[1.0, 2.0], [2.0, 0.0], [4.0, 1.0]], name="x"), [1.0, 1.0], [0.0, 0.0], 1e-5),
)


def _batchnorm_case(rng):
    """Hidden (x, gamma, beta, eps): x of (n, C) or (n, H, W, C) with small variances, so that eps matters."""
    c = int(rng.integers(2, 4))
    shape = (
        (int(rng.integers(3, 6)), c) if rng.random() < 0.5 else (2, *(int(v) for v in rng.integers(2, 4, size=2)), c)
    )
    gamma, beta = np.round(rng.uniform(0.5, 2.0, c), 2), np.round(rng.normal(size=c), 2)
    return np.round(rng.normal(scale=0.05, size=shape), 3), gamma, beta, rng.choice([None, 1e-5])


@register("cnn.batchnorm_forward")
def check_batchnorm_forward(fn):
    for x, gamma, beta, eps in cases(BATCHNORM_CASES, _batchnorm_case, _batchnorm_case):
        gamma, beta = np.array(gamma, dtype=float), np.array(beta, dtype=float)
        args = (x, gamma, beta) if eps is None else (x, gamma, beta, float(eps))
        shown = f"batchnorm_forward(x, {fmt(gamma)}, {fmt(beta)}{'' if eps is None else f', eps={eps:g}'})"
        shown = label("batchnorm_forward", shown + (f" with x = {x.code}" if isinstance(x, Given) else ""))
        x, eps = value_of(x), 1e-3 if eps is None else float(eps)
        out = array(call(fn, *args, shown=shown), shown, shape=x.shape)
        bn = ref.batchnorm_forward
        hints = [
            (bn(x, gamma, beta, eps, ddof=1), "use the biased variance (np.var's default ddof=0), as Keras does."),
            (bn(x, gamma, beta, eps, axes=(0,)), "average over every axis but the last, not only the first."),
            (bn(x, gamma, beta, eps, axes=(x.ndim - 1,)), "average over the batch, not over each sample."),
            (bn(x, gamma, beta, eps, eps_outside=True), "add eps to the variance, inside the square root."),
            (bn(x, gamma, beta, 0.0), "eps is missing: divide by sqrt(var + eps)."),
            (bn(x, gamma, beta, 1e-3), "use the eps argument (its default is 1e-3), not a fixed number."),
            (bn(x, 1.0, 0.0, eps), "scale by gamma and shift by beta after normalising."),
            (bn(x, beta, gamma, eps), "gamma scales and beta shifts: gamma * x_hat + beta."),
        ]
        expect(shown, out, bn(x, gamma, beta, eps), hints, atol=1e-5, rtol=1e-5)
