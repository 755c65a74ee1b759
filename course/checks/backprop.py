"""Checks of notebook 02, backpropagation: the chain rule, activations, softmax, loss, gradients, layers, SGD."""

import warnings

import numpy as np

from course.answers import call, describe_call, diagnose, fmt, to_array, to_tuple
from course.grading import Mistake, exercise

# Reference answers (seeds 000, 001, 004).


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


def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        plus, minus = x.astype(float), x.astype(float)
        plus[i] += eps
        minus[i] -= eps
        grad[i] = (f(plus) - f(minus)) / (2 * eps)
    return grad


def dense_forward(X, W, b):
    return X @ W + b


def dense_backward(dZ, X, W):
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)


def sgd_step(params, grads, lr):
    return [p - lr * g for p, g in zip(params, grads, strict=True)]


# Inputs: small arrays printed in full in the feedback, or named by the expression that builds them.


def given(expression):
    """(expression, value) of one of our constant expressions."""
    return expression, eval(expression, {"np": np})


def _call(fn, name, inputs, extra=(), stable=False):
    """Call fn on the inputs' values; feedback names the call `name(a, b) with a = ..., b = ...`.

    With `stable`, an overflow or an invalid value (not an underflow to 0, which is harmless) is a Mistake.
    """
    args = tuple(value for _, value in inputs.values()) + tuple(extra)
    shown = f"{name}({', '.join([*inputs, *map(fmt, extra)])}) with " + ", ".join(
        f"{k} = {text}" for k, (text, _) in inputs.items()
    )
    plain, caught = describe_call(name, args), []  # as call() names it, before fn can change args

    def watched(*a):
        with warnings.catch_warnings(record=True) as seen, np.errstate(all="warn", under="ignore"):
            warnings.simplefilter("always")
            try:
                return fn(*a)
            finally:
                caught.extend(w for w in seen if issubclass(w.category, RuntimeWarning))

    try:
        out = call(watched if stable else fn, *args, name=name)
    except Mistake as e:
        raise type(e)(str(e).replace(plain, shown, 1)) from None
    if caught:
        raise Unstable(f"{shown} emitted the warning '{caught[0].message}'.")
    return out, shown


def _expect(shown, actual, expected, hints=(), atol=1e-8, part=None):
    """Raise a Mistake saying what `shown` gave (or its `part`), what was expected and, if recognised, the mistake."""
    expected = np.asarray(expected, dtype=float)
    if actual.shape == expected.shape and np.allclose(actual, expected, atol=atol, rtol=1e-6):
        return
    gave = f"gave {part}" if part else "returned"
    if actual.shape != expected.shape:
        message = f"{shown} {gave}{' of' if part else ''} shape {actual.shape}, expected shape {expected.shape}"
    else:
        message = f"{shown} {gave}{' =' if part else ''} {fmt(actual)}, expected {fmt(expected)}"
    hint = diagnose(actual, [(h, m) for h, m in hints if h is not None], atol)
    raise Mistake(f"{message}: {hint}" if hint else message + ".")


def _tuple(out, shown, length, what):
    """answers.to_tuple, after a reminder to return something."""
    if out is None:
        raise Mistake(f"{shown} returned None: did you forget `return`?")
    return to_tuple(out, shown, length, what)


def _array(out, shown, shape=None, advice=""):
    """answers.to_array, with `advice` added when the answer holds NaN or infinity."""
    try:
        return to_array(out, shown, shape=shape)
    except Mistake as e:
        if advice and "NaN or infinity" in str(e):
            raise Mistake(f"{e} {advice}") from None
        raise


class Unstable(Mistake):
    """The learner's function overflowed or made an invalid value (a RuntimeWarning)."""


SIGN = "sign error: "


@exercise("backprop.chain_rule_example")
def check_chain_rule_example(fn):
    for x, y, z in ((-2.0, 5.0, -4.0), (3.0, -1.0, 2.0), (0.5, 1.5, -3.0)):
        shown = describe_call("chain_rule_example", (x, y, z))
        out = _tuple(call(fn, x, y, z, name="chain_rule_example"), shown, 4, "(f, dfdx, dfdy, dfdz)")
        f, dfdx, dfdy, dfdz = (to_array(v, f"{shown}[{i}]", shape=()) for i, v in enumerate(out))
        q = x + y
        _expect(shown, f, q * z, [(x + y * z, "f = (x + y) * z: mind the parentheses.")], part="f")
        local = "that is only the local gradient dq/d{0} = 1; multiply it by the upstream gradient df/dq = z."
        for name, got in (("x", dfdx), ("y", dfdy)):
            hints = [(q, f"df/d{name} = df/dq * dq/d{name} = z * 1; x + y is df/dz.")]
            hints += [(1.0, local.format(name)), (-z, SIGN + f"df/d{name} = z.")]
            _expect(shown, got, z, hints, part=f"df/d{name}")
        hints = [(z, "df/dz = q = x + y (f = q * z), not z."), (-q, SIGN + "df/dz = x + y.")]
        _expect(shown, dfdz, q, hints + [(1.0, "df/dz = q = x + y, the other factor of f.")], part="df/dz")


SIGMOID_ADVICE = (
    "np.exp(-z) overflows for z = -1000 (np.where computes both branches, so it does not help). "
    "Use np.exp(-np.abs(z)) and pick 1 / (1 + e) for z >= 0, e / (1 + e) for z < 0; or 0.5 * (1 + np.tanh(z / 2))."
)


@exercise("backprop.sigmoid")
def check_sigmoid(fn):
    cases = [given("np.array([-2.0, 0.0, 0.5, 3.0])"), given("2.0"), given("np.array([[-1.0, 4.0], [0.25, -6.0]])")]
    for z in cases:
        out, shown = _call(fn, "sigmoid", {"z": z})
        value = np.asarray(z[1])
        hints = [(sigmoid(-value), SIGN + "σ(z) = 1 / (1 + exp(-z)), which grows with z.")]
        hints += [(np.tanh(value), "that is tanh(z); the sigmoid is 1 / (1 + exp(-z)), between 0 and 1.")]
        hints += [(np.exp(-value), "the 1 / (1 + ...) is missing: σ(z) = 1 / (1 + exp(-z)).")]
        _expect(shown, to_array(out, shown), sigmoid(value), hints)
    z = given("np.array([[-1000.0, -30.0], [30.0, 1000.0]])")
    try:
        out, shown = _call(fn, "sigmoid", {"z": z}, stable=True)
    except Unstable as e:
        raise Mistake(f"{e} {SIGMOID_ADVICE}") from None
    _expect(shown, to_array(out, shown), sigmoid(z[1]))


@exercise("backprop.sigmoid_grad")
def check_sigmoid_grad(fn):
    for z in (given("np.array([-3.0, -0.5, 0.0, 1.0, 4.0])"), given("np.array([[2.0, -2.0], [0.1, 6.0]])")):
        out, shown = _call(fn, "sigmoid_grad", {"z": z})
        z, s = z[1], sigmoid(z[1])
        hints = [(s, "that is σ(z) itself; its derivative is σ(z) * (1 - σ(z)).")]
        hints += [(z * (1 - z), "apply the formula to σ(z), not to z: σ'(z) = σ(z) * (1 - σ(z)).")]
        hints += [(-s * (1 - s), SIGN + "σ'(z) = σ(z) * (1 - σ(z)) is positive.")]
        hints += [(1 - s**2, "1 - σ(z)² is tanh's pattern; σ'(z) = σ(z) * (1 - σ(z)).")]
        _expect(shown, to_array(out, shown), sigmoid_grad(z), hints)
    z = given("np.array([-1000.0, 1000.0])")
    out, shown = _call(fn, "sigmoid_grad", {"z": z})
    advice = "Compute σ(z) * (1 - σ(z)) with your stable sigmoid."
    _expect(shown, _array(out, shown, (2,), advice), sigmoid_grad(z[1]))


Z_ACT = given("np.array([[-2.0, 0.0, 3.0], [1.5, -0.5, 0.0]])")


@exercise("backprop.relu")
def check_relu(fn):
    for z in (Z_ACT, given("-1.5"), given("np.array([0.5, -4.0, 2.0])")):
        try:
            out, shown = _call(fn, "relu", {"z": z})
        except Mistake as e:
            if "truth value" in str(e):
                raise Mistake(f"{e} Python's max() and `if` compare one number: use np.maximum(0, z).") from None
            raise
        z = np.asarray(z[1])
        hints = [(np.abs(z), "ReLU is max(0, z), not |z|: negative inputs give 0.")]
        hints += [(z > 0, "that is the gradient (0 or 1); ReLU returns z itself where z > 0.")]
        hints += [(np.minimum(0, z), "ReLU is max(0, z), not min(0, z).")]
        _expect(shown, to_array(out, shown), relu(z), hints)


@exercise("backprop.relu_grad")
def check_relu_grad(fn):
    for z in (Z_ACT, given("np.array([0.5, -4.0, 2.0, 0.0])")):
        out, shown = _call(fn, "relu_grad", {"z": z})
        z = z[1]
        hints = [((z >= 0).astype(float), "at z = 0 the gradient is 0 here (as in TensorFlow): use z > 0.")]
        hints += [(relu(z), "that is relu(z) itself; its gradient is 1 where z > 0, else 0.")]
        hints += [(np.sign(z), "sign(z) is -1 for negative z, but the gradient is 0 there.")]
        _expect(shown, to_array(out, shown), relu_grad(z), hints)


SOFTMAX_ADVICE = (
    "np.exp overflows for logits around 1000. Subtract each row's maximum first, "
    "Z - Z.max(axis=-1, keepdims=True): softmax does not change, and the largest exponent is 0."
)


@exercise("backprop.softmax")
def check_softmax(fn):
    cases = [
        given("np.array([[1.0, 2.0, 3.0, 4.0], [1.0, 1.0, 1.0, 1.0], [-1.0, 0.0, 2.0, 0.5]])"),
        given("np.array([[1.0, 2.0, 0.0], [0.5, -1.0, 3.0], [2.0, 2.0, 2.0]])"),
        given("np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -1000.0, -999.0]])"),
        given("np.array([[1000.0, 1001.0], [0.0, 1.0]])"),
    ]
    for Z in cases:
        try:
            out, shown = _call(fn, "softmax", {"Z": Z}, stable=True)
        except Unstable as e:  # exp overflowed, or a row became 0 / 0 after subtracting the array's maximum
            own = "Subtract each row's own maximum, Z.max(axis=-1, keepdims=True), not the maximum of the whole array."
            raise Mistake(f"{e} {SOFTMAX_ADVICE if 'overflow' in str(e) else own}") from None
        except Mistake as e:
            if "broadcast" in str(e):
                raise Mistake(f"{e} Keep the summed axis: .sum(axis=-1, keepdims=True) has shape (n, 1).") from None
            raise
        Z, E = Z[1], np.exp(Z[1] - Z[1].max())
        row = "normalise each row: a softmax over the last axis (axis=-1), so that every row sums to 1."
        square = Z.shape[0] == Z.shape[1]
        with np.errstate(all="ignore"):  # some wrong variants overflow on the large logits
            hints = [(softmax(Z, axis=0), "that is a softmax over the columns (axis=0); " + row)]
            hints += [(E / E.sum(), "that is normalised over the whole array; " + row)]
            hints += [(E / E.sum(axis=1) if square else None, "E.sum(axis=1) needs keepdims=True: " + row)]
            hints += [(softmax(-Z), SIGN + "use exp(Z), so that the largest logit gets the largest probability.")]
            hints += [(Z / Z.sum(axis=1, keepdims=True), "exponentiate first: softmax(Z) = exp(Z) / sum of exp(Z).")]
        _expect(shown, to_array(out, shown), softmax(Z), hints)


ZERO_ADVICE = (
    "0 * log(0) is nan: take only each sample's true-class probability, P[np.arange(n), y], and clip it away "
    "from 0 before the log."
)


@exercise("backprop.cross_entropy")
def check_cross_entropy(fn):
    for P, y in (
        (given("np.array([[0.7, 0.2, 0.1], [0.1, 0.6, 0.3], [0.25, 0.25, 0.5], [0.2, 0.2, 0.6]])"), [0, 1, 2, 0]),
        (given("np.array([[0.9, 0.1], [0.4, 0.6]])"), [1, 1]),
        (given("np.array([[1.0, 0.0, 0.0], [0.2, 0.8, 0.0]])"), [0, 1]),
    ):
        y = given(f"np.array({y})")
        out, shown = _call(fn, "cross_entropy", {"P": P, "y": y})
        out = _array(out, shown, (), ZERO_ADVICE)
        P, y = P[1], y[1]
        n, expected = len(y), cross_entropy(P, y)
        hints = [(n * expected, "that is the sum over the samples; take the mean (divide by n).")]
        hints += [(-expected, SIGN + "the loss is minus the log-probability, -log p, which is >= 0.")]
        hints += [(expected / P.shape[1], "divide by the number of samples n, not by n * k.")]
        hints += [(cross_entropy(P, y, np.log10), "use the natural logarithm np.log, not np.log10.")]
        hints += [(cross_entropy(P, y, np.log2), "use the natural logarithm np.log, not np.log2.")]
        hints += [
            (-np.mean(np.log(np.clip(P[:, y], 1e-12, 1))), "P[:, y] takes whole columns; use P[np.arange(n), y].")
        ]
        hints += [(-np.mean(np.log(np.clip(P, 1e-12, 1))), "only the probability of the true class y counts.")]
        _expect(shown, out, expected, hints, atol=1e-5)
    P, y = given("np.array([[0.0, 1.0], [0.5, 0.5]])"), given("np.array([0, 1])")
    out, shown = _call(fn, "cross_entropy", {"P": P, "y": y})
    clip = "The true class has probability 0: clip the picked probabilities first, e.g. np.clip(p, 1e-12, 1.0)."
    out = _array(out, shown, (), clip)
    if out < 5:
        raise Mistake(f"{shown} returned {fmt(out)}; expected a large but finite loss. {clip}")


GRAD_CASES = [  # (f, x, eps or None for the default)
    (given("lambda x: np.sum(x ** 3)"), given("np.array([1.0, -2.0, 0.5])"), 0.1),
    (given("lambda x: np.sum(x ** 2) + x[0, 0] * x[1, 1]"), given("np.array([[1.0, 2.0], [-1.0, 0.5]])"), None),
    (given("lambda x: np.sum(np.sin(x) * np.arange(x.size).reshape(x.shape))"), given("np.ones((2, 3))"), 0.5),
]


@exercise("backprop.numerical_gradient")
def check_numerical_gradient(fn):
    for (f_text, f), (x_text, x), eps in GRAD_CASES:
        extra = () if eps is None else (eps,)
        out, shown = _call(fn, "numerical_gradient", {"f": (f_text, f), "x": (x_text, x)}, extra)
        h = 1e-6 if eps is None else eps
        out = to_array(out, shown)
        if out.shape == () and x.ndim:
            raise Mistake(
                f"{shown} returned one number; return one partial derivative per entry of x (an array of x's "
                "shape): perturb one entry at a time."
            )
        expected = numerical_gradient(f, x, h)
        forward = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            plus = x.copy()
            plus[i] += h
            forward[i] = (f(plus) - f(x)) / h
        hints = [(forward, "that is the forward difference (f(x + eps) - f(x)) / eps; use central differences.")]
        hints += [(2 * expected, "divide f(x + eps) - f(x - eps) by 2 * eps, the distance between the points.")]
        hints += [(-expected, SIGN + "take f(x + eps) - f(x - eps), not f(x - eps) - f(x + eps).")]
        hints += [(numerical_gradient(f, x, 1e-6), "use the eps argument rather than a fixed step.")]
        atol = 1e-6 if eps is None else 1e-8
        if out.size == x.size and out.shape != x.shape:
            raise Mistake(f"{shown} returned shape {out.shape}; return an array of x's shape {x.shape}.")
        _expect(shown, to_array(out, shown), expected, hints, atol=atol)


X_43, W_32, B_2 = (
    given("np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 1.0], [2.0, 1.0, -1.0], [0.5, 0.0, 3.0]])"),
    given("np.array([[1.0, -1.0], [0.5, 2.0], [-2.0, 0.0]])"),
    given("np.array([0.1, -0.2])"),
)
X_23, W_33, B_3 = (
    given("np.array([[1.0, -2.0, 0.5], [3.0, 0.0, 1.0]])"),
    given("np.array([[1.0, 2.0, 0.0], [0.0, 1.0, -1.0], [2.0, 0.0, 1.0]])"),
    given("np.array([0.5, 0.0, -1.0])"),
)


@exercise("backprop.dense_forward")
def check_dense_forward(fn):
    for X, W, b in ((X_43, W_32, B_2), (X_23, W_33, B_3)):
        try:
            out, shown = _call(fn, "dense_forward", {"X": X, "W": W, "b": b})
        except Mistake as e:
            if "matmul" in str(e) or "align" in str(e):
                raise Mistake(f"{e} X has shape (n, d) and W (d, m): X @ W has shape (n, m).") from None
            raise
        X, W, b = X[1], W[1], b[1]
        hints = [
            (
                X @ W.T + b if W.shape[0] == W.shape[1] else None,
                "W has shape (d, m) already: use X @ W, not X @ W.T (no transpose).",
            )
        ]
        hints += [(W.T @ X.T + b[:, None], "one row per sample: X @ W + b has shape (n, m), not (m, n).")]
        hints += [(X @ W, "the bias b is missing."), (X @ W - b, SIGN + "add the bias: X @ W + b.")]
        hints += [(relu(X @ W + b), "no activation inside the dense layer: return X @ W + b.")]
        _expect(shown, to_array(out, shown), dense_forward(X, W, b), hints)


@exercise("backprop.dense_backward")
def check_dense_backward(fn):
    dZ_42 = given("np.array([[0.5, -1.0], [0.0, 2.0], [1.0, 1.0], [-0.5, 0.25]])")
    dZ_23 = given("np.array([[1.0, 0.0, -2.0], [0.5, 1.5, 1.0]])")
    for dZ, X, W in ((dZ_42, X_43, W_32), (dZ_23, X_23, W_33)):
        try:
            out, shown = _call(fn, "dense_backward", {"dZ": dZ, "X": X, "W": W})
        except Mistake as e:
            if "matmul" in str(e) or "align" in str(e):
                raise Mistake(f"{e} Match the shapes: dX = dZ @ W.T is (n, d), dW = X.T @ dZ is (d, m).") from None
            raise
        dX, dW, db = _tuple(out, shown, 3, "(dX, dW, db)")
        dZ, X, W = dZ[1], X[1], W[1]
        (eX, eW, eb), n = dense_backward(dZ, X, W), len(X)
        hints = [
            (dZ @ W if W.shape[0] == W.shape[1] else None, "missing transpose: dX = dZ @ W.T."),
            (-eX, SIGN + "dX = dZ @ W.T."),
        ]
        hints += [(W @ dZ.T, "dX has X's shape (n, d): dZ @ W.T.")]
        _expect(shown, to_array(dX, shown + "[0] (dX)"), eX, hints, part="dX")
        hints = [(dZ.T @ X, "dW has W's shape (d, m): X.T @ dZ, not dZ.T @ X."), (-eW, SIGN + "dW = X.T @ dZ.")]
        hints += [(X @ dZ.T if X.shape == dZ.shape else None, "missing transpose: dW = X.T @ dZ.")]
        hints += [(eW / n, "don't divide by n: dZ already holds the 1/n of the mean loss, so dW = X.T @ dZ.")]
        _expect(shown, to_array(dW, shown + "[1] (dW)"), eW, hints, part="dW")
        hints = [(dZ.mean(axis=0), "db is a sum over the samples, dZ.sum(axis=0), not a mean: dZ holds the 1/n.")]
        hints += [(dZ.sum(), "sum over the samples only (axis=0): db has one entry per output, like b.")]
        hints += [(dZ.sum(axis=1), "sum over the samples, axis=0, not over the outputs.")]
        hints += [(eb[None, :], "db has b's shape (m,): dZ.sum(axis=0), without keepdims.")]
        hints += [(-eb, SIGN + "db = dZ.sum(axis=0).")]
        _expect(shown, to_array(db, shown + "[2] (db)"), eb, hints, part="db")


SGD_CASES = [
    (
        given("[np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([0.5, -0.5])]"),
        given("[np.array([[0.1, -0.2], [0.3, 0.0]]), np.array([1.0, -1.0])]"),
        0.1,
    ),
    (
        given("[np.array([2.0, -1.0, 0.0]), np.array(1.5), np.ones((2, 2))]"),
        given("[np.arange(3.0), np.array(-2.0), np.eye(2)]"),
        0.5,
    ),
]


@exercise("backprop.sgd_step")
def check_sgd_step(fn):
    for params, grads, lr in SGD_CASES:
        out, shown = _call(fn, "sgd_step", {"params": params, "grads": grads}, (lr,))
        params, grads = params[1], grads[1]
        if out is None:
            raise Mistake(f"{shown} returned None: did you forget `return`?")
        if not isinstance(out, list | tuple):
            raise Mistake(f"{shown} returned a {type(out).__name__}; return a list of arrays, e.g. [p - lr * g ...].")
        if len(out) != len(params):
            raise Mistake(f"{shown} returned {len(out)} arrays; expected one per parameter ({len(params)}).")
        for i, (got, p, g) in enumerate(zip(out, params, grads, strict=True)):
            got = to_array(got, f"{shown}[{i}]")
            hints = [(p + lr * g, SIGN + "step against the gradient: p - lr * g.")]
            hints += [(p - g, "the learning rate lr is missing: p - lr * g."), (g, "return the new parameters.")]
            hints += [(-lr * g, "return the new parameters p - lr * g, not the step.")]
            _expect(shown, got, p - lr * g, hints, part=f"new params[{i}]")
