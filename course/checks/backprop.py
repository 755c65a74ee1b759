"""Checks of notebook 02, part 1: the chain rule, the activation functions and their derivatives, softmax."""

import numpy as np

from course.checks.kit import Mistake, NotFinite, Raised, Unstable, array, call, expect, items
from course.checks.shown import describe, part, value_of
from course.grading.cases import Given, cases
from course.grading.registry import register
from course.references import backprop as ref

SIGN = "sign error: "


def numbers(rng, shape, scale=2.0, zeros=0):
    """A hidden input: numbers with two decimals, `zeros` of them exactly 0."""
    z = np.round(rng.normal(scale=scale, size=shape), 2)
    z.flat[rng.choice(z.size, size=min(zeros, z.size), replace=False)] = 0.0
    return z


def matrix(rng, zeros=0, scale=2.0):
    """A hidden (n, k) input of 2 to 4 rows and columns."""
    return numbers(rng, tuple(int(v) for v in rng.integers(2, 5, size=2)), scale, zeros)


def huge(rng):
    """Hidden logits or pre-activations far out on both sides, where a naive np.exp overflows."""
    return np.round(rng.uniform(700, 1000, size=(2, 3)) * rng.choice([-1, 1], size=(2, 3)), 1)


def finite(out, shown, shape=None, advice=""):
    """kit.array, with `advice` added when the answer holds NaN or infinity."""
    try:
        return array(out, shown, shape=shape)
    except NotFinite as e:
        raise NotFinite(f"{e} {advice}".strip(), "NaN or infinity") from None


PLAIN = (
    "The notebook calls {name} on plain numbers too, e.g. {name}(0.0), where z > 0 is a bool and a float has no "
    ".astype or .copy: start with z = np.asarray(z, dtype=float), or use np.where, np.maximum."
)


def scalar(rng):
    """A hidden plain Python number, as the notebook passes some (e.g. relu_grad(0.0))."""
    return round(float(rng.normal(scale=3.0)), 2)


def elementwise(fn, z, name):
    """(how the call is shown, what `fn(z)` returned); an answer that fails on a plain number is told so."""
    shown = describe(name, z)
    try:
        return shown, call(fn, z, shown=shown)
    except Raised as e:
        if isinstance(value_of(z), float) and e.error in ("AttributeError", "TypeError", "IndexError"):
            raise Mistake(f"{e} {PLAIN.format(name=name)}", "fails on a plain number") from None
        raise


@register("backprop.chain_rule_example")
def check_chain_rule_example(fn):
    def draw(rng):
        return tuple(float(v) or 1.0 for v in numbers(rng, 3, scale=3.0))

    for x, y, z in cases(((-2.0, 5.0, -4.0), (3.0, -1.0, 2.0), (0.5, 1.5, -3.0)), draw, draw):
        shown = describe("chain_rule_example", x, y, z)
        out = items(call(fn, x, y, z, shown=shown), shown, 4, "(f, dfdx, dfdy, dfdz)")
        f, dfdx, dfdy, dfdz = (array(v, part(shown, f"[{i}]"), shape=()) for i, v in enumerate(out))
        q = x + y
        expect(shown, f, q * z, [(x + y * z, "f = (x + y) * z: mind the parentheses.")], part="f")
        local = "that is only the local gradient dq/d{0} = 1; multiply it by the upstream gradient df/dq = z."
        for name, got in (("x", dfdx), ("y", dfdy)):
            hints = [(q, f"df/d{name} = df/dq * dq/d{name} = z * 1; x + y is df/dz.")]
            hints += [(1.0, local.format(name)), (-z, SIGN + f"df/d{name} = z.")]
            expect(shown, got, z, hints, part=f"df/d{name}")
        hints = [(z, "df/dz = q = x + y (f = q * z), not z."), (-q, SIGN + "df/dz = x + y.")]
        expect(shown, dfdz, q, hints + [(1.0, "df/dz = q = x + y, the other factor of f.")], part="df/dz")


SIGMOID_ADVICE = (
    "np.exp(-z) overflows for z = -1000 (np.where computes both branches, so it does not help). "
    "Use np.exp(-np.abs(z)) and pick 1 / (1 + e) for z >= 0, e / (1 + e) for z < 0; or 0.5 * (1 + np.tanh(z / 2))."
)


@register("backprop.sigmoid")
def check_sigmoid(fn):
    visible = (
        Given("numpy:array", [-2.0, 0.0, 0.5, 3.0], name="z"),
        2.0,
        Given("numpy:array", [[-1.0, 4.0], [0.25, -6.0]], name="z"),
    )
    for z in cases(visible, matrix, scalar):
        shown, out = elementwise(fn, z, "sigmoid")
        out = finite(out, shown)
        value = np.asarray(value_of(z))
        hints = [(ref.sigmoid(-value), SIGN + "σ(z) = 1 / (1 + exp(-z)), which grows with z.")]
        hints += [(np.tanh(value), "that is tanh(z); the sigmoid is 1 / (1 + exp(-z)), between 0 and 1.")]
        hints += [(np.exp(-value), "the 1 / (1 + ...) is missing: σ(z) = 1 / (1 + exp(-z)).")]
        expect(shown, out, ref.sigmoid(value), hints)
    for z in cases([Given("numpy:array", [[-1000.0, -30.0], [30.0, 1000.0]], name="z")], huge):
        shown = describe("sigmoid", z)
        try:
            out = call(fn, z, shown=shown, strict=True)
        except Unstable as e:
            raise Unstable(f"{e} {SIGMOID_ADVICE}", e.faults, "overflow in exp") from None
        expect(shown, finite(out, shown, advice=SIGMOID_ADVICE), ref.sigmoid(value_of(z)))


@register("backprop.sigmoid_grad", uses=("sigmoid",))
def check_sigmoid_grad(fn):
    visible = (
        Given("numpy:array", [-3.0, -0.5, 0.0, 1.0, 4.0], name="z"),
        Given("numpy:array", [[2.0, -2.0], [0.1, 6.0]], name="z"),
        0.0,  # the notebook prints sigmoid_grad(0.0), (3.0) and (6.0)
        3.0,
    )
    for z in cases(visible, matrix, matrix, scalar):
        shown, out = elementwise(fn, z, "sigmoid_grad")
        out = finite(out, shown)
        z = value_of(z)
        s = ref.sigmoid(z)
        hints = [(s, "that is σ(z) itself; its derivative is σ(z) * (1 - σ(z)).")]
        hints += [(z * (1 - z), "apply the formula to σ(z), not to z: σ'(z) = σ(z) * (1 - σ(z)).")]
        hints += [(-s * (1 - s), SIGN + "σ'(z) = σ(z) * (1 - σ(z)) is positive.")]
        hints += [(1 - s**2, "1 - σ(z)² is tanh's pattern; σ'(z) = σ(z) * (1 - σ(z)).")]
        expect(shown, out, ref.sigmoid_grad(z), hints)
    advice = "Compute σ(z) * (1 - σ(z)) with your stable sigmoid."
    for z in cases([Given("numpy:array", [-1000.0, 1000.0], name="z")], huge):
        shown = describe("sigmoid_grad", z)
        z_value = value_of(z)
        out = finite(call(fn, z, shown=shown), shown, z_value.shape, advice)
        expect(shown, out, ref.sigmoid_grad(z_value))


def _with_zeros(rng):
    return matrix(rng, zeros=2)


Z_ACT = Given("numpy:array", [[-2.0, 0.0, 3.0], [1.5, -0.5, 0.0]], name="z")


@register("backprop.relu")
def check_relu(fn):
    for z in cases((Z_ACT, -1.5, Given("numpy:array", [0.5, -4.0, 2.0], name="z")), _with_zeros, _with_zeros, scalar):
        try:
            shown, out = elementwise(fn, z, "relu")
        except Raised as e:
            if e.error == "ValueError":  # max(0, z) or `if z > 0` on an array
                advice = "Python's max() and `if` compare one number: use np.maximum(0, z)."
                raise Mistake(f"{e} {advice}", "Python's max on an array") from None
            raise
        z = np.asarray(value_of(z))
        hints = [(np.abs(z), "ReLU is max(0, z), not |z|: negative inputs give 0.")]
        hints += [(z > 0, "that is the gradient (0 or 1); ReLU returns z itself where z > 0.")]
        hints += [(np.minimum(0, z), "ReLU is max(0, z), not min(0, z).")]
        expect(shown, array(out, shown), ref.relu(z), hints)


@register("backprop.relu_grad")
def check_relu_grad(fn):
    visible = (Z_ACT, Given("numpy:array", [0.5, -4.0, 2.0, 0.0], name="z"), 0.0, 3.0)  # the notebook: relu_grad(0.0)
    for z in cases(visible, _with_zeros, _with_zeros, scalar):
        shown, out = elementwise(fn, z, "relu_grad")
        out = array(out, shown)
        z = np.asarray(value_of(z))
        hints = [((z >= 0).astype(float), "at z = 0 the gradient is 0 here (as in TensorFlow): use z > 0.")]
        hints += [(ref.relu(z), "that is relu(z) itself; its gradient is 1 where z > 0, else 0.")]
        hints += [(np.sign(z), "sign(z) is -1 for negative z, but the gradient is 0 there.")]
        expect(shown, out, ref.relu_grad(z), hints)


SOFTMAX_ADVICE = (
    "np.exp overflows for logits around 1000. Subtract each row's maximum first, "
    "Z - Z.max(axis=-1, keepdims=True): softmax does not change, and the largest exponent is 0."
)
OWN_MAXIMUM = "Subtract each row's own maximum, Z.max(axis=-1, keepdims=True), not the maximum of the whole array."
SOFTMAX_CASES = [
    [[1.0, 2.0, 3.0, 4.0], [1.0, 1.0, 1.0, 1.0], [-1.0, 0.0, 2.0, 0.5]],
    [[1.0, 2.0, 0.0], [0.5, -1.0, 3.0], [2.0, 2.0, 2.0]],
    [[1000.0, 1001.0, 1002.0], [-1000.0, -1000.0, -999.0]],
    [[1000.0, 1001.0], [0.0, 1.0]],
]


def _wide_logits(rng):
    """Hidden logits with more columns than rows: Z / Z.sum(axis=1) without keepdims cannot broadcast."""
    n = int(rng.integers(2, 4))
    return numbers(rng, (n, n + int(rng.integers(1, 3))))


def _square_logits(rng):
    k = int(rng.integers(2, 5))
    return numbers(rng, (k, k))


def _far_rows(rng):
    """Logits whose rows lie far apart: one near 1000 (exp overflows), one near 0 (0 / 0 after the array's max)."""
    Z = numbers(rng, (2, int(rng.integers(2, 5))))
    Z[0] += 1000.0
    return Z


@register("backprop.softmax")
def check_softmax(fn):
    for Z in cases([Given("numpy:array", z, name="Z") for z in SOFTMAX_CASES], _wide_logits, _square_logits, _far_rows):
        shown = describe("softmax", Z)
        try:
            out = call(fn, Z, shown=shown, strict=True)
        except Unstable as e:  # exp overflowed, or a row became 0 / 0 after subtracting the array's maximum
            overflow = "overflow" in e.faults
            hint = "overflow in exp" if overflow else "the array's maximum, not each row's"
            raise Unstable(f"{e} {SOFTMAX_ADVICE if overflow else OWN_MAXIMUM}", e.faults, hint) from None
        except Raised as e:
            if e.error == "ValueError":  # (n, k) / (n,) does not broadcast
                keep = "Keep the summed axis: .sum(axis=-1, keepdims=True) has shape (n, 1)."
                raise Mistake(f"{e} {keep}", "keepdims missing") from None
            raise
        Z = value_of(Z)
        E = np.exp(Z - Z.max())
        row = "normalise each row: a softmax over the last axis (axis=-1), so that every row sums to 1."
        square = Z.shape[0] == Z.shape[1]
        with np.errstate(all="ignore"):  # some wrong variants overflow on the large logits
            hints = [(ref.softmax(Z, axis=0), "that is a softmax over the columns (axis=0); " + row)]
            hints += [(E / E.sum(), "that is normalised over the whole array; " + row)]
            hints += [(E / E.sum(axis=1) if square else None, "E.sum(axis=1) needs keepdims=True: " + row)]
            hints += [(ref.softmax(-Z), SIGN + "use exp(Z), so that the largest logit gets the largest probability.")]
            hints += [(Z / Z.sum(axis=1, keepdims=True), "exponentiate first: softmax(Z) = exp(Z) / sum of exp(Z).")]
        expect(shown, array(out, shown), ref.softmax(Z), hints)
