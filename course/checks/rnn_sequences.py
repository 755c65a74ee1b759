"""Checks of notebook 06, part 2: sampling with a temperature and the windows of a time series."""

import numpy as np

from course.checks.kit import Mistake, Raised, Unstable, WrongType, array, call, expect, items
from course.checks.shown import describe, part, value_of
from course.grading.cases import Given, cases
from course.grading.registry import register
from course.references import rnn as ref

SAMPLES = 200  # draws per distribution: the frequencies then lie within ~0.1 of the probabilities
PEAKED_DRAWS = 10  # draws of a hidden case, where one index has probability > 0.9999
NAMING_DRAWS = 40  # more draws, made only once an answer has failed, to name its mistake


def _index(fn, logits, temperature, seed, strict=False):
    rng = Given("numpy.random:default_rng", seed)
    shown = describe("sample_with_temperature", logits, temperature, rng)
    out = call(fn, logits, temperature, rng, shown=shown, strict=strict)
    if isinstance(out, bool) or not isinstance(out, int | np.integer):
        raise WrongType(f"{shown} returned {out!r}; expected an int index (use int(...)).")
    size = len(value_of(logits))
    if not 0 <= out < size:
        raise Mistake(f"{shown} returned {out}, not an index of logits (0 to {size - 1}).")
    return int(out), shown


def _peaked(rng):
    """Hidden (logits, 0.1, seeds): one logit 1.2 to 1.5 above the others, all near 1000 (a naive np.exp overflows),
    so that at temperature 0.1 that one is drawn with probability > 0.9999, at temperature 1 with at most 0.6."""
    k = int(rng.integers(4, 7))
    top = int(rng.integers(k))
    logits = np.round(1000 - rng.uniform(1.2, 1.5, size=k), 2)
    logits[top] = 1000.0
    return logits, 0.1, [int(s) for s in rng.integers(0, 2**31, size=PEAKED_DRAWS + NAMING_DRAWS)]


def _flat(rng):
    """Hidden (logits, 4.0, seeds): 5 to 7 logits; at temperature 4 no index has probability above 0.3."""
    logits = np.round(rng.uniform(-1.5, 1.5, size=int(rng.integers(5, 8))), 2)
    return logits, 4.0, [int(s) for s in rng.integers(0, 2**31, size=PEAKED_DRAWS)]


def _check_hidden(fn, logits, temperature, seeds):
    """A hidden case: overflow-safe, the same index for the same seed, and draws that follow the distribution:
    nearly always the top index when it is peaked, never only one index when it is flat."""
    try:
        first, shown = _index(fn, logits, temperature, seeds[0], strict=True)
    except (Raised, Unstable) as e:
        advice = "exp overflows at logits ~1000: subtract the largest logit before np.exp (the softmax is unchanged)."
        raise Mistake(f"{e} {advice}", "overflow at large logits") from None
    if _index(fn, logits, temperature, seeds[0])[0] != first:
        raise Mistake(f"{shown} gave different indices in two calls with the same seed.", "global random state")
    draws = np.array([first] + [_index(fn, logits, temperature, seed)[0] for seed in seeds[1:PEAKED_DRAWS]])
    top = int(np.argmax(logits))
    if temperature > 1:
        if any(_index(fn, logits, temperature, seed)[0] != draw for seed, draw in zip(seeds[:5], draws, strict=False)):
            raise Mistake(f"{shown} gave different indices in two calls with the same seed.", "global random state")
        if len(set(draws)) == 1:
            hint = "that is always the argmax; draw at random from the probabilities instead."
            raise Mistake(
                f"{shown}: every draw gave the same index: {hint if first == top else ''}".rstrip(": "),
                hint if first == top else None,
            )
        return
    hits = int(np.sum(draws == top))
    if hits >= len(draws) - 1:
        return
    draws = np.concatenate([draws, [_index(fn, logits, temperature, seed)[0] for seed in seeds[PEAKED_DRAWS:]]])
    hits = int(np.sum(draws == top))
    candidates = [
        (ref.softmax(logits * temperature)[top], "you multiplied the logits by the temperature; divide."),
        (ref.softmax(logits)[top], "the temperature is ignored: sample from softmax(logits / temperature)."),
    ]
    n = len(draws)
    likelihoods = [hits * np.log(p) + (n - hits) * np.log1p(-p) for p, _ in candidates]
    hint = candidates[int(np.argmax(likelihoods))][1]
    message = f"{shown}: the draws do not follow softmax(logits / temperature)"
    raise Mistake(f"{message}: {hint}", hint)


@register("rnn.sample_with_temperature")
def check_sample_with_temperature(fn):
    for case in cases([None], _peaked, _flat):  # the visible checks, then a hidden peaked and a flat distribution
        _check_visible(fn) if case is None else _check_hidden(fn, *case)


def _check_visible(fn):
    """Same seed, same index; frequencies over 200 seeds at temperatures 0.5 and 2; logits around 1000."""
    uniform = Given("numpy:zeros", 10, name="logits")
    for seed in range(20):
        first, shown = _index(fn, uniform, 1.0, seed)
        if _index(fn, uniform, 1.0, seed)[0] != first:
            raise Mistake(
                f"{shown} gave different indices in two calls with the same seed: draw with `rng` "
                "(rng.choice(len(p), p=p)), not with np.random's global state.",
                "global random state",
            )
    logits = Given("numpy:array", [0.0, 1.0, 2.0], name="logits")
    for temperature in (0.5, 2.0):
        draws = [_index(fn, logits, temperature, seed)[0] for seed in range(SAMPLES)]
        freq = np.bincount(draws, minlength=3) / SAMPLES
        shown = f"sample_with_temperature(logits, {temperature}, rng) with logits = {logits.code}, rng = np.random.default_rng(seed)"
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
        _index(fn, Given("numpy:array", [1000.0, 999.0, 0.0], name="logits"), 1.0, 0, strict=True)
    except (Raised, Unstable) as e:
        advice = "exp overflows at logits ~1000: subtract the largest logit before np.exp (the softmax is unchanged)."
        raise Mistake(f"{e} {advice}", "overflow at large logits") from None
    logits = Given("course.checks.inputs:normal32", 6, (65,), 3.0, name="logits")  # as the GRU gives them: float32
    for temperature in (0.2, 0.6, 1.0):  # the notebook's temperatures
        try:
            _index(fn, logits, temperature, 0)
        except Raised as e:
            raise Mistake(
                f"{e} The notebook passes the GRU's 65 logits as float32: compute in float64 "
                "(np.asarray(logits, dtype=float)); float32 probabilities miss rng.choice's sum-to-1 tolerance.",
                "float32 logits",
            ) from None


WINDOW_CASES = [(Given("numpy:array", [3.0, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8], name="series"), 3)]
WINDOW_CASES += [(Given("numpy:array", [2.0, 7, 1, 8, 2, 8], name="series"), 5)]


def _window_case(rng):
    """A hidden (series, window): a window of 2 to 5, and at least 3 windows in up to 15 values with one decimal."""
    window = int(rng.integers(2, 6))
    return np.round(rng.normal(size=int(rng.integers(window + 3, 16))) * 3, 1), window


@register("rnn.make_windows")
def check_make_windows(fn):
    for series, window in cases(WINDOW_CASES, _window_case, _window_case):
        shown = describe("make_windows", series, window)
        X, y = items(call(fn, series, window, shown=shown), shown, 2, "(X, y)")
        for name, value in (("X", X), ("y", y)):
            if isinstance(value, list | tuple):
                raise WrongType(
                    f"{shown} returned {name} as a {type(value).__name__}; return NumPy arrays (np.array or np.stack): "
                    "the notebook selects windows with masks later, X[train] and y[val].",
                    "a list, not an array",
                )
        s = value_of(series)
        X_ref, y_ref = ref.make_windows(s, window)
        hints = [
            (s[window + 1 :], "the target is off by one: y[i] = series[i + window], the value right after X[i]."),
            (s[window:-1], "the last window is dropped: there are N - window windows, range(len(series) - window)."),
            (s[window - 1 : -1], "the target is inside its own window: y[i] = series[i + window], not X[i][-1]."),
        ]
        expect(shown, array(y, part(shown, "[1]")), y_ref, hints, part="y")
        hints = [(X_ref[:-1], "the last window is dropped: there are N - window windows.")]
        expect(shown, array(X, part(shown, "[0]")), X_ref, hints, part="X")
