"""Checks of notebook 02, part 3: one SGD step, the gradient of softmax with cross-entropy, the forward pass of an MLP."""

import numpy as np

from course.checks.backprop import SIGN, numbers
from course.checks.kit import (
    Described,
    Given,
    Mistake,
    Mutated,
    Raised,
    WrongShape,
    array,
    call,
    cases,
    describe,
    expect,
    items,
    part,
    value_of,
)
from course.grading.registry import register
from course.references import backprop as ref

SGD_CASES = [
    ([[[1.0, 2.0], [3.0, 4.0]], [0.5, -0.5]], [[[0.1, -0.2], [0.3, 0.0]], [1.0, -1.0]], 0.1),
    ([[2.0, -1.0, 0.0], 1.5, [[1.0, 1.0], [1.0, 1.0]]], [[0.0, 1.0, 2.0], -2.0, [[1.0, 0.0], [0.0, 1.0]]], 0.5),
]


def _sgd_numbers(rng):
    """Hidden plain Python numbers (w, b), as the notebook's line fit passes them."""
    return [round(float(v), 2) for v in rng.normal(size=2)], [round(float(v), 2) for v in rng.normal(size=2)], 0.1


PLAIN_NUMBERS = (
    "The notebook's line fit passes params = [w, b] as plain numbers: p - lr * g works for numbers and arrays "
    "alike (a float has no .copy())."
)


def _sgd_case(rng):
    """Hidden arrays of 0 to 2 dimensions (a 0-d one an array, as np.array(1.5) is: plain numbers come apart)."""
    shapes = [tuple(int(v) for v in rng.integers(1, 4, size=rng.integers(0, 3))) for _ in range(rng.integers(2, 4))]
    params, grads = ([np.asarray(numbers(rng, s)) for s in shapes] for _ in range(2))
    return params, grads, float(rng.choice([0.1, 0.05, 0.5]))


@register("backprop.sgd_step")
def check_sgd_step(fn):
    visible = [
        (
            Given("course.checks.inputs:arrays", *p, name="params"),
            Given("course.checks.inputs:arrays", *g, name="grads"),
            lr,
        )
        for p, g, lr in SGD_CASES
    ]
    visible.append((Described([-2.0, 4.0], "[-2.0, 4.0]"), Described([0.5, -1.0], "[0.5, -1.0]"), 0.1))
    for params, grads, lr in cases(visible, _sgd_case, _sgd_case, _sgd_numbers):
        shown = describe("sgd_step", params, grads, lr)
        plain = all(isinstance(p, float) for p in value_of(params))
        try:
            out = call(fn, params, grads, lr, shown=shown)
        except Raised as e:
            if plain and e.error in ("AttributeError", "TypeError"):
                raise Mistake(f"{e} {PLAIN_NUMBERS}", "fails on plain numbers") from None
            raise
        params, grads = value_of(params), value_of(grads)
        if out is None:
            raise Mistake(f"{shown} returned None: did you forget `return`?")
        if not isinstance(out, list | tuple):
            raise Mistake(f"{shown} returned a {type(out).__name__}; return a list of arrays, e.g. [p - lr * g ...].")
        if len(out) != len(params):
            raise WrongShape(f"{shown} returned {len(out)} arrays; expected one per parameter ({len(params)}).")
        for i, (got, p, g) in enumerate(zip(out, params, grads, strict=True)):
            hints = [(p + lr * g, SIGN + "step against the gradient: p - lr * g.")]
            hints += [(p - g, "the learning rate lr is missing: p - lr * g."), (g, "return the new parameters.")]
            hints += [(-lr * g, "return the new parameters p - lr * g, not the step.")]
            expect(shown, array(got, part(shown, f"[{i}]")), p - lr * g, hints, part=f"new params[{i}]")


ONE_HOT = (
    "P - y subtracts the label numbers from every row; subtract the one-hot labels Y instead (1 at [i, y_i], 0 "
    "elsewhere): copy P and take 1 from P[np.arange(n), y]."
)
GRAD_CASES = [  # (P, y): n = k, where P - y broadcasts, and n != k, where dividing by k shows
    ([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3]], [0, 2, 1]),
    ([[0.9, 0.1], [0.4, 0.6], [0.5, 0.5], [0.2, 0.8]], [1, 0, 0, 1]),
]


def _probabilities(rng, square=False):
    """Hidden (P, y): n rows of k probabilities with three decimals (n = k when `square`), two classes at least."""
    k = int(rng.integers(2, 5))
    n = k if square else k + int(rng.integers(1, 3))
    P = np.round(rng.dirichlet(np.ones(k), size=n), 3)
    y = rng.integers(0, k, size=n)
    y[1] = (y[0] + 1) % k
    return P, y


@register("backprop.softmax_cross_entropy_grad")
def check_softmax_cross_entropy_grad(fn):
    visible = [(Given("numpy:array", p, name="P"), Given("numpy:array", t, name="y")) for p, t in GRAD_CASES]
    for P, y in cases(visible, lambda rng: _probabilities(rng, square=True), _probabilities):
        shown = describe("softmax_cross_entropy_grad", P, y)
        try:
            out = call(fn, P, y, shown=shown)
        except Mutated as e:
            raise Mutated(f"{e} Here: start from a copy, dZ = P.copy().", "P changed in place") from None
        except Raised as e:
            if e.error == "ValueError":  # (n, k) - (n,) does not broadcast when n != k
                raise Mistake(f"{e} {ONE_HOT}", "labels not one-hot") from None
            raise
        P, y = value_of(P), value_of(y)
        (n, k), Y = P.shape, np.eye(P.shape[1])[y]
        hints = [
            ((P - y) / n if n == k else None, ONE_HOT),
            (P - Y, "divide by n: the loss is a mean over the n samples."),
        ]
        hints += [((Y - P) / n, SIGN + "the gradient is (P - Y) / n: the probabilities minus the labels.")]
        hints += [((P - Y) / k, "divide by the number of samples n = len(y), not by the number of classes k.")]
        hints += [((P - Y) / (n * k), "divide by n = len(y) only, not by n * k.")]
        expect(shown, array(out, shown, shape=P.shape), ref.softmax_cross_entropy_grad(P, y), hints)


def _network(sizes, seed, n, act=None):
    """(params, X[, act]) of mlp_forward: init_mlp's parameters and standard normal inputs, named as in the notebook."""
    params = Described(
        ref.init_mlp(sizes, np.random.default_rng(seed)), f"init_mlp({sizes}, np.random.default_rng({seed}))"
    )
    X = Described(
        np.random.default_rng(seed + 1).normal(size=(n, sizes[0])),
        f"np.random.default_rng({seed + 1}).normal(size={(n, sizes[0])})",
    )
    if act is None:  # the notebook mostly calls mlp_forward(params, X): the default act=relu
        return params, X
    return params, X, Given("course.checks.inputs:function", f"course.references.backprop:{act}", name=f"the {act}")


FORWARD_CASES = [([3, 4, 2], 0, 5, None), ([3, 3, 3, 3], 2, 4, "sigmoid"), ([2, 2, 1], 4, 1, None)]


def _hidden_network(rng, act=None):
    """Hidden: 2 or 3 layers of 2 to 5 units, n samples never equal to a width (so wrong indexing fails alike)."""
    sizes = [int(v) for v in rng.integers(2, 6, size=int(rng.integers(3, 5)))]
    n = 6 + int(rng.integers(0, 3))
    params = ref.init_mlp(sizes, rng, std=lambda d: 1.0)
    X = np.round(rng.normal(size=(n, sizes[0])), 2)
    return (params, X) if act is None else (params, X, Given("course.checks.inputs:function", act, name="the act"))


CACHE = "cache[l] is the pair (A, Z) of layer l: "
WRONG_LAYER = "layer l uses W = params[2*l] and b = params[2*l + 1] (0-based): step through params two at a time."


@register("backprop.mlp_forward", uses=("relu", "dense_forward"))
def check_mlp_forward(fn):
    visible = [_network(*case) for case in FORWARD_CASES]
    sigmoid = "course.references.backprop:sigmoid"
    for args in cases(visible, _hidden_network, lambda rng: _hidden_network(rng, sigmoid)):
        shown = describe("mlp_forward", *args)
        try:
            out = call(fn, *args, shown=shown)
        except Raised as e:
            if e.error in ("ValueError", "IndexError"):  # a bias used as weights, a layer's W with another's b
                raise Mistake(f"{e} {WRONG_LAYER}", "the wrong layer's parameters") from None
            raise
        params, X = value_of(args[0]), value_of(args[1])
        act = args[2].value if len(args) == 3 else ref.relu
        logits, cache = items(out, shown, 2, "(logits, cache)")
        expected, expected_cache = ref.mlp_forward(params, X, act)
        layers = len(expected_cache)
        with np.errstate(all="ignore"):
            hints = [
                (
                    ref.mlp_forward(params, X, act, act_on_logits=True)[0],
                    "no activation after the last layer: "
                    "the logits stay linear, Z = A @ W + b (softmax comes later, in the loss).",
                )
            ]
        expect(shown, array(logits, part(shown, "[0]", "logits")), expected, hints, part="logits")
        cache = items(cache, part(shown, "[1]", "cache"), layers, f"list of one (A, Z) pair per layer ({layers})")
        swapped = ref.mlp_forward(params, X, act, pair="ZA")[1]
        outputs = ref.mlp_forward(params, X, act, cache_of="output")[1]
        for layer, (pair, (A, Z)) in enumerate(zip(cache, expected_cache, strict=True)):
            where = part(shown, f"[1][{layer}]", f"cache of layer {layer}")
            got_A, got_Z = items(pair, where, 2, "(A, Z): the layer's input A and its pre-activation Z")
            hints = [(swapped[layer][0], CACHE + "its input A first, then Z = A @ W + b.")]
            hints += [
                (
                    outputs[layer][0],
                    CACHE + "A is the layer's input (X for the first layer), stored before "
                    "the activation makes the next layer's input.",
                )
            ]
            expect(shown, array(got_A, part(where, "[0]", "A")), A, hints, part=f"A of layer {layer}")
            hints = [(swapped[layer][1], CACHE + "its input A first, then Z = A @ W + b.")]
            hints += [(act(Z), CACHE + "Z is the pre-activation A @ W + b, before act.")]
            expect(shown, array(got_Z, part(where, "[1]", "Z")), Z, hints, part=f"Z of layer {layer}")
