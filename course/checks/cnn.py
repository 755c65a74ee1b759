"""Checks of notebook 04, convolutional networks on MNIST: models, MACs, dropout, batch norm, a trained CNN."""

from functools import cache

import numpy as np

from course import architecture
from course.answers import call, describe_call, diagnose, first_difference, fmt, to_array
from course.grading import Mistake, exercise

BUILD_TIME = 60.0  # seconds to build a model: the first Keras call of a session is slow

# Reference answers. The hello-world network of seed 002 and the LeNet of seed 003's script.


def dense_model():
    import keras

    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Flatten(),
            layers.Dense(512, activation="relu"),
            layers.Dense(512, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )


def lenet():
    import keras

    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(20, kernel_size=5, padding="same", activation="relu"),
            layers.MaxPooling2D(pool_size=2, strides=2),
            layers.Conv2D(50, kernel_size=5, padding="same", activation="relu"),
            layers.MaxPooling2D(pool_size=2, strides=2),
            layers.Flatten(),
            layers.Dense(500, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )


def conv_macs(h_out, w_out, k, c_in, c_out):
    return h_out * w_out * k * k * c_in * c_out


def batchnorm(x, gamma, beta, eps=1e-3, *, axes=None, ddof=0, eps_outside=False):
    """Training-mode batch norm; the keywords give typical wrong variants for diagnosis."""
    x = np.asarray(x, dtype=float)
    axes = tuple(range(x.ndim - 1)) if axes is None else axes
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True, ddof=ddof)
    x_hat = (x - mean) / (np.sqrt(var) + eps if eps_outside else np.sqrt(var + eps))
    return gamma * x_hat + beta


def _model(value, shown):
    import keras

    if value is None:
        fix = "did you forget `return`?" if shown.endswith("()") else "assign your trained model to it."
        raise Mistake(f"{shown} is None: {fix}")
    if isinstance(value, keras.callbacks.History):
        raise Mistake(f"{shown} is the History that fit() returns, not the model: use the model you called fit() on.")
    if not isinstance(value, keras.Model):
        raise Mistake(f"{shown} is a {type(value).__name__}; expected a Keras model (e.g. keras.Sequential([...])).")
    return value


def _compare(fn, name, reference, inputs):
    """Build the learner's model and name its first difference from the reference architecture."""
    shown = f"{name}()"
    model = _model(call(fn, name=name, time_limit=BUILD_TIME), shown)
    expected_model = reference()
    given = architecture.shape(model)
    if given is None:
        raise Mistake(f"{shown} has no input shape yet: start the model with keras.Input((28, 28, 1)).")
    if given not in inputs:
        raise Mistake(f"{shown} takes inputs of shape {given}; expected {inputs[0]} (a batch of 28 x 28 images).")
    difference = architecture.explain_difference(model, expected_model)
    if difference:
        raise Mistake(f"{shown} {difference}")
    output = architecture.shape(model, "outputs")
    if output != (None, 10):
        raise Mistake(f"{shown} gives outputs of shape {output}; expected (None, 10): one probability per class.")
    count, expected_count = model.count_params(), expected_model.count_params()
    if count != expected_count:
        raise Mistake(f"{shown} has {count:,} parameters; expected {expected_count:,}.")


@exercise("cnn.build_dense_model")
def check_build_dense_model(fn):
    _compare(fn, "build_dense_model", dense_model, [(None, 28, 28, 1), (None, 28, 28)])


@exercise("cnn.build_lenet")
def check_build_lenet(fn):
    _compare(fn, "build_lenet", lenet, [(None, 28, 28, 1)])


def _example(code: str) -> np.ndarray:
    """An input written as the NumPy code a learner can paste to reproduce a failing call."""
    return eval(code, {"np": np})  # our own constants, never learner input


def _with_hint(message: str, hint: str | None) -> Mistake:
    return Mistake(f"{message}: {hint}" if hint else message + ".")


@exercise("cnn.conv_macs")
def check_conv_macs(fn):
    for args in ((3, 2, 3, 4, 5), (28, 28, 5, 1, 20), (14, 14, 5, 20, 50), (1, 1, 1, 2450, 500)):
        h, w, k, c_in, c_out = args
        shown = describe_call("conv_macs", args)
        out = to_array(call(fn, *args, name="conv_macs"), shown, shape=(), kind="i")
        expected = conv_macs(*args)
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
    x = _example(code)
    shown = f"dropout({code}, rate={rate}, training={training}, rng=np.random.default_rng({seed}))"
    # call() checks that arguments are unchanged, so the Generator (which dropout consumes) is made inside.
    out = call(lambda x: fn(x, rate, training, np.random.default_rng(seed)), x, name="dropout")
    return x, to_array(out, shown, shape=x.shape), shown


@exercise("cnn.dropout")
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
            raise Mistake(f"{shown} returned {fmt(out)}: {hint}, so that the expected value of each entry stays x.")
    if not np.allclose(out[kept], x[kept] / 0.75):
        raise Mistake(f"{shown} returned {fmt(out)}: every entry must be 0 or x / (1 - rate).")
    if not np.array_equal(_dropout(fn, small, 0.25, True, 0)[1], out):
        raise Mistake(f"{shown} gave a different result the second time: draw the mask from `rng` (rng.random(...)).")
    if all(np.array_equal(_dropout(fn, small, 0.25, True, seed)[1], out) for seed in (1, 2)):
        raise Mistake(f"{shown} drops the same entries whatever the rng: draw a random mask from `rng`.")
    x, out, shown = _dropout(fn, "np.ones((200, 500))", 0.3, True, 3)
    dropped = float(np.mean(out == 0))
    if abs(dropped - 0.3) > 0.01:
        inverted = abs(dropped - 0.7) < 0.01
        hint = "rate is the probability to drop an entry, not to keep it" if inverted else "draw one number per entry"
        raise Mistake(f"{shown} zeroed {dropped:.1%} of the entries, expected about 30%: {hint}.")
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


@exercise("cnn.batchnorm_forward")
def check_batchnorm_forward(fn):
    for code, gamma, beta, eps in BATCHNORM_CASES:
        x, gamma, beta = _example(code), np.array(gamma, dtype=float), np.array(beta, dtype=float)
        args = (x, gamma, beta) if eps is None else (x, gamma, beta, eps)
        shown = f"batchnorm_forward(x, {fmt(gamma)}, {fmt(beta)}{'' if eps is None else f', eps={eps:g}'})"
        shown += f" with x = {code}"
        eps = 1e-3 if eps is None else eps
        out = to_array(call(fn, *args, name="batchnorm_forward"), shown, shape=x.shape)
        expected = batchnorm(x, gamma, beta, eps)
        wrong = first_difference(out, expected, atol=1e-5, rtol=1e-5)
        if wrong is None:
            continue
        hints = [
            (
                batchnorm(x, gamma, beta, eps, ddof=1),
                "use the biased variance (np.var's default ddof=0), as Keras does.",
            ),
            (batchnorm(x, gamma, beta, eps, axes=(0,)), "average over every axis but the last, not only the first."),
            (batchnorm(x, gamma, beta, eps, axes=(x.ndim - 1,)), "average over the batch, not over each sample."),
            (batchnorm(x, gamma, beta, eps, eps_outside=True), "add eps to the variance, inside the square root."),
            (batchnorm(x, gamma, beta, 0.0), "eps is missing: divide by sqrt(var + eps)."),
            (batchnorm(x, gamma, beta, 1e-3), "use the eps argument (its default is 1e-3), not a fixed number."),
            (batchnorm(x, 1.0, 0.0, eps), "scale by gamma and shift by beta after normalising."),
            (batchnorm(x, beta, gamma, eps), "gamma scales and beta shifts: gamma * x_hat + beta."),
        ]
        message = f"{shown}: entry {list(wrong)} is {out[wrong] + 0:.5f}, expected {expected[wrong]:.5f}"
        raise _with_hint(message, diagnose(out, hints, atol=1e-5, rtol=1e-5))


@cache
def mnist_test():
    """The MNIST test set as the notebook feeds it: floats in [0, 1], shape (10000, 28, 28, 1), and labels."""
    from course.data import load_mnist

    _, (x_test, y_test) = load_mnist()
    return (x_test / 255.0).astype("float32")[..., None], y_test


def mnist_accuracy(model, x, y) -> float:
    """Accuracy of a model's predictions (class scores or probabilities) on images x shaped for the model."""
    scores = call(lambda x: model.predict(x, batch_size=500, verbose=0), x, name="model.predict", time_limit=300)
    scores = to_array(scores, "model.predict(x_test)", shape=(len(x), 10))
    return float(np.mean(scores.argmax(axis=1) == y))


@exercise("cnn.trained_model", kind="value")
def check_trained_model(model):
    shown = "trained_model"
    model = _model(model, shown)
    given = architecture.shape(model)
    if given is None:
        raise Mistake(f"{shown} has no input shape yet: it was never trained or called. Build and fit it first.")
    if given not in ((None, 28, 28, 1), (None, 28, 28)):
        raise Mistake(f"{shown} takes inputs of shape {given}; the MNIST test images are (None, 28, 28, 1).")
    output = architecture.shape(model, "outputs")
    if output != (None, 10):
        raise Mistake(f"{shown} gives outputs of shape {output}; expected (None, 10): a score for each digit.")
    x, y = mnist_test()
    x = x.reshape((len(x),) + given[1:])
    accuracy = mnist_accuracy(model, x, y)
    if accuracy >= 0.99:
        return
    raw = mnist_accuracy(model, x * 255.0, y)
    if raw >= 0.99:
        raise Mistake(
            f"{shown} reaches {raw:.2%} only on pixels 0-255 ({accuracy:.2%} on the notebook's x / 255): "
            "train it on images scaled to [0, 1] as the notebook does."
        )
    if accuracy < 0.2:
        raise Mistake(
            f"{shown} classifies {accuracy:.1%} of the test digits correctly, about chance (10%): "
            "it looks untrained. Call fit() on it first."
        )
    raise Mistake(
        f"{shown} classifies {accuracy:.2%} of the 10,000 test digits correctly; 99.0% is needed. "
        "Train a CNN (LeNet, or the recipe of section 10) for longer."
    )
