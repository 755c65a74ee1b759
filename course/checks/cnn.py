"""Checks of notebook 04, convolutional networks on MNIST: models, MACs, dropout, batch norm, a trained CNN."""

import numpy as np

from course.checks.kit import Given, Mistake, WrongShape, WrongType, array, call, describe, diagnose, expect, fmt
from course.grading import architecture
from course.grading.registry import register
from course.references import cnn as ref


def model_of(value, shown):
    """`value` if it is a Keras model, else a Mistake naming what it is."""
    import keras

    if value is None:
        fix = "did you forget `return`?" if shown.endswith("()") else "assign your trained model to it."
        raise WrongType(f"{shown} is None: {fix}")
    if isinstance(value, keras.callbacks.History):
        raise WrongType(f"{shown} is the History that fit() returns, not the model: use the model you called fit() on.")
    if not isinstance(value, keras.Model):
        raise WrongType(f"{shown} is a {type(value).__name__}; expected a Keras model (e.g. keras.Sequential([...])).")
    return value


def read(model, what, shown):
    """architecture.<what>(model), run under the limits: a learner's model class may misbehave."""
    return call(lambda m: getattr(architecture, what)(m), model, convert=False, shown=f"reading {shown}")


def shapes(model, shown):
    """(input shape, output shape) of a model, e.g. ((None, 28, 28, 1), (None, 10)); None where it has none."""
    return call(lambda m: (architecture.shape(m), architecture.shape(m, "outputs")), model, shown=f"reading {shown}")


def _compare(fn, name, reference, inputs):
    """Build the learner's model and name its first difference from the reference architecture."""
    shown = f"{name}()"
    model = model_of(call(fn, name=name, shown=shown), shown)
    given, output = shapes(model, shown)
    if given is None:
        raise Mistake(f"{shown} has no input shape yet: start the model with keras.Input((28, 28, 1)).")
    if given not in inputs:
        raise WrongShape(f"{shown} takes inputs of shape {given}; expected {inputs[0]} (a batch of 28 x 28 images).")
    expected_model = reference()
    difference = call(lambda m: architecture.explain_difference(m, expected_model), model, shown=f"reading {shown}")
    if difference:
        raise Mistake(f"{shown} {difference}", "a different architecture")
    if output != (None, 10):
        raise WrongShape(f"{shown} gives outputs of shape {output}; expected (None, 10): one probability per class.")
    count = call(lambda m: m.count_params(), model, shown=f"reading {shown}")
    if count != expected_model.count_params():
        raise Mistake(f"{shown} has {count:,} parameters; expected {expected_model.count_params():,}.")


@register("cnn.build_dense_model")
def check_build_dense_model(fn):
    _compare(fn, "build_dense_model", ref.build_dense_model, [(None, 28, 28, 1), (None, 28, 28)])


@register("cnn.build_lenet")
def check_build_lenet(fn):
    _compare(fn, "build_lenet", ref.build_lenet, [(None, 28, 28, 1)])


def _with_hint(message: str, hint: str | None) -> Mistake:
    return Mistake(f"{message}: {hint}" if hint else message + ".", hint)


@register("cnn.conv_macs")
def check_conv_macs(fn):
    for args in ((3, 2, 3, 4, 5), (28, 28, 5, 1, 20), (14, 14, 5, 20, 50), (1, 1, 1, 2450, 500)):
        h, w, k, c_in, c_out = args
        shown = describe("conv_macs", *args)
        out = array(call(fn, *args, shown=shown), shown, shape=(), kind="i")
        expected = ref.conv_macs(*args)
        if out == expected:
            continue
        hints = [
            (2 * expected, "that counts FLOPs (a multiply and an add); count multiply-accumulates."),
            (h * w * k * k * c_out, "each output value sums over all c_in input channels: multiply by c_in."),
            (h * w * k * c_in * c_out, "a k x k kernel has k * k weights per input channel."),
            (h * w * (k * k * c_in + 1) * c_out, "adding the bias is not a multiply-accumulate."),
            ((k * k * c_in + 1) * c_out, "that is the parameter count; the kernel works at every output position."),
            (k * k * c_in * c_out, "that is one output position; multiply by h_out * w_out."),
        ]
        raise _with_hint(f"{shown} returned {fmt(out)}, expected {expected:,}", diagnose(out, hints))


def _dropout(fn, code, rate, training, seed):
    """The learner's dropout on the input `code` with a fresh Generator, and the call as text."""
    x, rng = Given(code, "x"), Given(f"np.random.default_rng({seed})")
    shown = f"dropout({code}, rate={rate}, training={training}, rng={rng.expr})"
    out = call(fn, x, rate, training, rng, shown=shown)
    return x.value, array(out, shown, shape=x.value.shape), shown


@register("cnn.dropout")
def check_dropout(fn):
    small = "np.arange(1.0, 21.0).reshape(4, 5)"
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
    x, out, shown = _dropout(fn, "np.ones((200, 500))", 0.3, True, 3)
    dropped = float(np.mean(out == 0))
    if abs(dropped - 0.3) > 0.01:
        inverted = abs(dropped - 0.7) < 0.01
        hint = "rate is the probability to drop an entry, not to keep it" if inverted else "draw one number per entry"
        raise Mistake(f"{shown} zeroed {dropped:.1%} of the entries, expected about 30%: {hint}.", hint)
    if abs(out.mean() - 1.0) > 0.02:
        raise Mistake(f"{shown} has mean {out.mean():.3f}; inverted dropout keeps the mean of the input, 1.0.")
    x, out, shown = _dropout(fn, small, 0.0, True, 0)
    if not np.allclose(out, x):
        raise Mistake(f"{shown} changed x: with rate 0 nothing is dropped.")


BATCHNORM_CASES = (  # (x as code, gamma, beta, eps or None for the default); small variances, so that eps matters
    (
        "np.array([[0.1, 0.2, 0.0], [0.2, 0.1, 0.05], [0.15, 0.3, 0.1], [0.05, 0.2, 0.0]])",
        [1, 2, 0.5],
        [0, 1, -1],
        None,
    ),
    ("np.sin(np.arange(36.0)).reshape(2, 3, 3, 2) / 20", [1.5, 0.5], [0.2, -0.3], None),
    ("np.array([[1.0, 2.0], [2.0, 0.0], [4.0, 1.0]])", [1.0, 1.0], [0.0, 0.0], 1e-5),
)


@register("cnn.batchnorm_forward")
def check_batchnorm_forward(fn):
    for code, gamma, beta, eps in BATCHNORM_CASES:
        x, gamma, beta = Given(code, "x"), np.array(gamma, dtype=float), np.array(beta, dtype=float)
        args = (x, gamma, beta) if eps is None else (x, gamma, beta, eps)
        shown = f"batchnorm_forward(x, {fmt(gamma)}, {fmt(beta)}{'' if eps is None else f', eps={eps:g}'})"
        shown += f" with x = {code}"
        x, eps = x.value, 1e-3 if eps is None else eps
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


def mnist_accuracy(model, shape, scale=1.0, chunk=2000) -> float:
    """Accuracy of a model's predictions on the 10,000 MNIST test images of `shape` (pixels times `scale`).

    The images go in chunks, each call of `predict` under the time limit even on a slow, busy laptop.
    """
    y = ref.mnist_test()[1]
    correct = 0
    for start in range(0, len(y), chunk):
        code = f"course.references.cnn.mnist_test()[0][{start}:{start + chunk}].reshape({(-1, *shape[1:])}) * {scale}"
        images = Given(code, f"test images {start} to {start + chunk - 1}")
        shown = f"trained_model.predict(test images {start} to {start + chunk - 1})"
        scores = call(lambda m, x: m.predict(x, batch_size=500, verbose=0), model, images, shown=shown)
        scores = array(scores, shown, shape=(min(chunk, len(y) - start), 10))
        correct += int(np.sum(scores.argmax(axis=1) == y[start : start + chunk]))
    return correct / len(y)


@register("cnn.trained_model", kind="value")
def check_trained_model(model):
    shown = "trained_model"
    model = model_of(model, shown)
    given, output = shapes(model, shown)
    if given is None:
        raise Mistake(f"{shown} has no input shape yet: it was never trained or called. Build and fit it first.")
    if given not in ((None, 28, 28, 1), (None, 28, 28)):
        raise WrongShape(f"{shown} takes inputs of shape {given}; the MNIST test images are (None, 28, 28, 1).")
    if output != (None, 10):
        raise WrongShape(f"{shown} gives outputs of shape {output}; expected (None, 10): a score for each digit.")
    accuracy = mnist_accuracy(model, given)
    if accuracy >= 0.99:
        return
    raw = mnist_accuracy(model, given, 255.0)
    if raw >= 0.99:
        raise Mistake(
            f"{shown} reaches {raw:.2%} only on pixels 0-255 ({accuracy:.2%} on the notebook's x / 255): "
            "train it on images scaled to [0, 1] as the notebook does.",
            "trained on pixels 0-255",
        )
    if accuracy < 0.2:
        raise Mistake(
            f"{shown} classifies {accuracy:.1%} of the test digits correctly, about chance (10%): "
            "it looks untrained. Call fit() on it first.",
            "untrained",
        )
    raise Mistake(
        f"{shown} classifies {accuracy:.2%} of the 10,000 test digits correctly; 99.0% is needed. Train the "
        "LeNet-style network with batch normalisation and dropout (Adam, a decaying learning rate, 4 epochs) until "
        "it reaches 99.2% on the validation split.",
        "below 99%",
    )
