"""Checks of notebook 02, part 4: the backward pass of a whole MLP and one epoch of mini-batch SGD."""

import numpy as np

from course.checks.kit import (
    Described,
    Given,
    Mistake,
    Raised,
    array,
    call,
    cases,
    describe,
    expect,
    items,
    part,
    same,
    value_of,
)
from course.grading.registry import register
from course.references import backprop as ref


def _params(sizes, rng):
    """An MLP's parameters [W1, b1, ...] of the given layer sizes, drawn from `rng`."""
    shapes = [s for d, m in zip(sizes[:-1], sizes[1:], strict=False) for s in ((d, m), (m,))]
    return [rng.normal(size=s) for s in shapes]


def _backward_case(sizes, act, n, seeds, default=False):
    """(dZ, cache, params, derivative) of mlp_backward: the cache is mlp_forward's, computed here and sent as data.

    With `default`, (dZ, cache, params) of a ReLU network: the notebook's own call, mlp_backward(dZ, cache, params)."""
    params = _params(sizes, np.random.default_rng(seeds[0]))
    X = np.random.default_rng(seeds[1]).normal(size=(n, sizes[0]))
    dZ = np.random.default_rng(seeds[2]).normal(size=(n, sizes[-1])) / n
    cache = ref.mlp_forward(params, X, getattr(ref, act))[1]
    network = " -> ".join(map(str, sizes))
    case = (
        Given("course.checks.inputs:normal", seeds[2], (n, sizes[-1]), 1 / n, name="dZ") if seeds[2] == 2 else dZ,
        Described(
            cache,
            f"the cache of mlp_forward(params, X{'' if default else f', {act}'}) on {n} sample{'s' if n > 1 else ''}",
        ),
        Described(params, f"the parameters of a {network} network"),
    )
    if default:
        return case
    derivative = f"course.references.backprop:{act}_grad"
    return (*case, Given("course.checks.inputs:function", derivative, name=f"the derivative {act}_grad"))


def _hidden_backward(rng, equal_widths):
    """Hidden: equal widths (where mixing up layers runs and shows in values) with sigmoid, or mixed with ReLU."""
    d = int(rng.integers(2, 5))
    sizes = [d] * int(rng.integers(3, 5)) if equal_widths else [int(v) for v in rng.integers(2, 6, size=3)]
    act = "sigmoid" if equal_widths else "relu"
    seeds = [int(v) for v in rng.integers(3, 2**31, size=3)]
    return _backward_case(sizes, act, int(rng.integers(3, 7)), seeds, default=not equal_widths)


def _names(n_layers):
    return [f"d{p}{i}" for i in range(1, n_layers + 1) for p in ("W", "b")]


BACKWARD_CASES = [  # (layer sizes, act, n samples, default act_grad): equal widths so that mixing up layers shows
    ([3, 3, 3, 3], "sigmoid", 4, False),
    ([3, 4, 2], "relu", 5, False),
    ([2, 2, 1], "relu", 1, True),  # the notebook's tiny network: one sample, the default act_grad=relu_grad
]
ORDER = "layer l's gradients go where its parameters are, dW at [2*l] and db at [2*l + 1] (0-based)"
FLAT_REVERSED = "reversing a list of (dW, db) pairs swaps each pair: dW of layer l belongs at [2*l], db at [2*l + 1]."
NO_DEFAULT = (
    "keep the default of the signature, act_grad=relu_grad: the notebook calls mlp_backward(dZ, cache, params)."
)


def _variant(fn, *args, **wrong):
    """A typical wrong answer's output, or None where that mistake cannot even run on these shapes."""
    try:
        return fn(*args, **wrong)
    except ValueError:
        return None


@register("backprop.mlp_backward", uses=("relu_grad", "dense_backward"))
def check_mlp_backward(fn):
    visible = [_backward_case(sizes, act, n, (0, 1, 2), default) for sizes, act, n, default in BACKWARD_CASES]
    hidden = [lambda rng: _hidden_backward(rng, True), lambda rng: _hidden_backward(rng, False)]
    for case in cases(visible, *hidden):
        shown = describe("mlp_backward", *case)
        sizes = [w.shape[0] for w in value_of(case[2])[::2]]
        names = _names(len(sizes))
        try:
            out = call(fn, *case, shown=shown)
        except Raised as e:
            if e.error == "TypeError" and len(case) == 3:
                raise Mistake(f"{e} {NO_DEFAULT}", "no default act_grad") from None
            raise
        grads = items(out, shown, len(names), f"of the {len(names)} gradients [{', '.join(names)}]")
        derivative = case[3].value if len(case) == 4 else ref.relu_grad
        args = (value_of(case[0]), value_of(case[1]), value_of(case[2]), derivative)
        expected = ref.mlp_backward(*args)
        flat = _variant(ref.mlp_backward, *args, flat_reversed=True)
        if all(same(g, f) for g, f in zip(grads, flat, strict=True)):
            raise Mistake(
                f"{shown} returned [{', '.join(names[i ^ 1] for i in range(len(names)))}]: {FLAT_REVERSED}",
                "reversed flat list",
            )
        variants = [
            (
                _variant(ref.mlp_backward, *args, skip_act_grad=True),
                "between two layers multiply by the activation's derivative: dZ = dA * act_grad(Z) of the layer below.",
            ),
            (
                _variant(ref.mlp_backward, *args, same_layer_z=True),
                "use the pre-activation of the layer below, cache[l - 1][1] (its act() is this layer's input), "
                "not this layer's own Z.",
            ),
            (
                _variant(ref.mlp_backward, *args, grad_of_a=True),
                "act_grad takes the pre-activation Z = cache[l - 1][1], not the activation A = act(Z).",
            ),
            (
                _variant(ref.mlp_backward, *args, pairs_reversed=True),
                f"return the gradients in the order of params, first layer first: {ORDER}.",
            ),
        ]
        for i, (name, e) in enumerate(zip(names, expected, strict=True)):
            got = array(grads[i], part(shown, f"[{i}]", name), shape=e.shape)
            hints = [(v[i] if v is not None and v[i].shape == e.shape else None, m) for v, m in variants]
            expect(shown, got, e, hints, part=name)


X_SIX = Given(
    "numpy:array",
    [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0], [2.0, 1.0], [1.0, 2.0]],
    name="X_six of the notebook",
)
Y_SIX = Given("numpy:array", [0, 1, 1, 0, 1, 0], name="y_six of the notebook")
EPOCH_CASES = [(0.5, 4, 1), (0.1, 3, 5)]  # (lr, batch_size, seed of rng): 6 samples, a short last batch or none


def _epoch_case(rng):
    """Hidden (params, X, y, lr, batch_size, seed): 5 to 9 samples, batches that leave a short last one."""
    n, hidden_units = int(rng.integers(5, 10)), int(rng.integers(2, 5))
    X, y = np.round(rng.normal(size=(n, 2)), 2), rng.integers(0, 2, size=n)
    batch_size = int(rng.choice([b for b in (2, 3, 4) if n % b]))
    params = ref.init_mlp([2, hidden_units, 2], rng)
    return params, X, y, float(rng.choice([0.1, 0.5])), batch_size, int(rng.integers(0, 2**31))


@register(
    "backprop.train_epoch",
    uses=(
        "sgd_step",
        "relu",
        "relu_grad",
        "softmax",
        "cross_entropy",
        "softmax_cross_entropy_grad",
        "mlp_forward",
        "mlp_backward",
    ),
)
def check_train_epoch(fn):
    params = Described(
        ref.init_mlp([2, 3, 2], np.random.default_rng(0)), "init_mlp([2, 3, 2], np.random.default_rng(0))"
    )
    visible = [(params, X_SIX, Y_SIX, lr, batch_size, seed) for lr, batch_size, seed in EPOCH_CASES]
    for params, X, y, lr, batch_size, seed in cases(visible, _epoch_case, _epoch_case):
        rng = Given("numpy.random:default_rng", seed, name="rng")
        shown = describe("train_epoch", params, X, y, lr, batch_size, rng)
        new, loss = items(call(fn, params, X, y, lr, batch_size, rng, shown=shown), shown, 2, "(params, mean_loss)")
        new = items(new, part(shown, "[0]"), 4, "list [W1, b1, W2, b2] of the new parameters")
        args = (value_of(params), value_of(X), value_of(y), lr, batch_size)

        def variant(args=args, rng=rng, **wrong):
            return ref.train_epoch(*args, rng.value, **wrong)

        expected_params, expected_loss = variant()
        param_hints = [
            (variant(shuffle=False)[0], "shuffle first: order = rng.permutation(len(X)), then cut order into batches."),
            (variant(drop_last=True)[0], "keep the last, shorter batch: range(0, len(X), batch_size) covers it."),
            (args[0], "return the updated parameters, the result of the last sgd_step, not the ones passed in."),
        ]
        for i, (name, e) in enumerate(zip(["W1", "b1", "W2", "b2"], expected_params, strict=True)):
            got = array(new[i], part(shown, f"[0][{i}]", name), shape=e.shape)
            expect(shown, got, e, [(v[i], message) for v, message in param_hints], part=f"new {name}")
        loss_hints = [
            (variant(loss_of="last")[1], "return the mean of all the batches' losses, not the last batch's."),
            (variant(loss_of="sum")[1], "that is the sum of the batches' losses; return their mean."),
            (
                variant(loss_of="per_sample")[1],
                "take the plain mean of the batches' losses (np.mean of the list), "
                "one number per batch, not weighted by batch size.",
            ),
        ]
        expect(
            shown, array(loss, part(shown, "[1]", "mean_loss"), shape=()), expected_loss, loss_hints, part="mean_loss"
        )
