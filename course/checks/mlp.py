"""Checks of notebook 02, part 3: the backward pass of a whole MLP and one epoch of mini-batch SGD."""

from course.checks.kit import Given, array, call, describe, expect, items
from course.grading.registry import register
from course.references import backprop as ref

REF = "course.references.backprop"


def _params(sizes, seed):
    """The expression of an MLP's parameters [W1, b1, ...] of the given layer sizes, drawn from a seeded Generator."""
    shapes = [s for d, m in zip(sizes[:-1], sizes[1:], strict=False) for s in ((d, m), (m,))]
    return f"(lambda r: [r.normal(size=s) for s in {shapes}])(np.random.default_rng({seed}))"


def _names(n_layers):
    return [f"d{p}{i}" for i in range(1, n_layers + 1) for p in ("W", "b")]


BACKWARD_CASES = [  # (layer sizes, act, act_grad, n samples): equal widths so that mixing up layers shows in values
    ([3, 3, 3, 3], "sigmoid", "sigmoid_grad", 4),
    ([3, 4, 2], "relu", "relu_grad", 5),
]


def _variant(fn, *args, **wrong):
    """A typical wrong answer's output, or None where that mistake cannot even run on these shapes."""
    try:
        return fn(*args, **wrong)
    except ValueError:
        return None


@register("backprop.mlp_backward")
def check_mlp_backward(fn):
    for sizes, act, act_grad, n in BACKWARD_CASES:
        params_expr, X_expr = _params(sizes, 0), f"np.random.default_rng(1).normal(size=({n}, {sizes[0]}))"
        params = Given(params_expr, f"the parameters of a {' -> '.join(map(str, sizes))} network")
        cache = Given(
            f"{REF}.mlp_forward({params_expr}, {X_expr}, {REF}.{act})[1]",
            f"the cache of mlp_forward(params, X, {act}) on {n} samples",
        )
        dZ = Given(f"np.random.default_rng(2).normal(size=({n}, {sizes[-1]})) / {n}", "dZ")
        derivative = Given(f"{REF}.{act_grad}", f"the derivative {act_grad}")
        shown = describe("mlp_backward", dZ, cache, params, derivative)
        names = _names(len(sizes) - 1)
        grads = items(
            call(fn, dZ, cache, params, derivative, shown=shown),
            shown,
            len(names),
            f"of the {len(names)} gradients [{', '.join(names)}]",
        )
        args = (dZ.value, cache.value, params.value, derivative.value)
        expected = ref.mlp_backward(*args)
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
                "return the gradients in the order of params, first layer first: [dW1, db1, dW2, db2, ...].",
            ),
        ]
        for i, (name, e) in enumerate(zip(names, expected, strict=True)):
            got = array(grads[i], f"{shown}[{i}] ({name})", shape=e.shape)
            hints = [(v[i] if v is not None and v[i].shape == e.shape else None, m) for v, m in variants]
            expect(shown, got, e, hints, part=name)


X_SIX = Given(
    "np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0], [2.0, 1.0], [1.0, 2.0]])", "X_six of the notebook"
)
Y_SIX = Given("np.array([0, 1, 1, 0, 1, 0])", "y_six of the notebook")
EPOCH_CASES = [(0.5, 4, 1), (0.1, 3, 5)]  # (lr, batch_size, seed of rng): 6 samples, a short last batch or none


@register("backprop.train_epoch")
def check_train_epoch(fn):
    for lr, batch_size, seed in EPOCH_CASES:
        params = Given(f"{REF}.init_mlp([2, 3, 2], np.random.default_rng(0))", "init_mlp([2, 3, 2], rng 0)")
        rng = Given(f"np.random.default_rng({seed})", "rng")
        shown = describe("train_epoch", params, X_SIX, Y_SIX, lr, batch_size, rng)
        new, loss = items(
            call(fn, params, X_SIX, Y_SIX, lr, batch_size, rng, shown=shown), shown, 2, "(params, mean_loss)"
        )
        new = items(new, f"{shown}[0]", 4, "list [W1, b1, W2, b2] of the new parameters")
        args = (params.value, X_SIX.value, Y_SIX.value, lr, batch_size)

        def variant(args=args, rng=rng, **wrong):
            return ref.train_epoch(*args, rng.value, **wrong)

        expected_params, expected_loss = variant()
        param_hints = [
            (variant(shuffle=False)[0], "shuffle first: order = rng.permutation(len(X)), then cut order into batches."),
            (variant(drop_last=True)[0], "keep the last, shorter batch: range(0, len(X), batch_size) covers it."),
            (args[0], "return the updated parameters, the result of the last sgd_step, not the ones passed in."),
        ]
        for i, (name, e) in enumerate(zip(["W1", "b1", "W2", "b2"], expected_params, strict=True)):
            got = array(new[i], f"{shown}[0][{i}] ({name})", shape=e.shape)
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
        expect(shown, array(loss, f"{shown}[1] (mean_loss)", shape=()), expected_loss, loss_hints, part="mean_loss")
