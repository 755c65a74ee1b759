"""Checks of notebook 04, convolutional networks on MNIST: models, MACs, dropout, batch norm, a trained CNN."""

import numpy as np

from course.checks.kit import Given, Mistake, WrongShape, array, call, cases, describe, diagnose, fmt, model_of
from course.grading import architecture
from course.grading.registry import register
from course.references import cnn as ref


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
    def draw(rng):
        """h, w, k, c_in, c_out with k > 1 and c_in not k, where two typical mistakes would count the same."""
        h, w, k, c_in, c_out = (int(v) for v in rng.integers(2, [33, 33, 8, 65, 65]))
        return h, w, k, c_in + (c_in == k), c_out

    for args in cases(((3, 2, 3, 4, 5), (28, 28, 5, 1, 20), (14, 14, 5, 20, 50), (1, 1, 1, 2450, 500)), draw, draw):
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


SPLITS = {
    "validation": "the 10,000 validation digits (x_val, the last 10,000 training images)",
    "test": "the 10,000 test digits",
}
THRESHOLD = {"validation": 0.988, "test": 0.99}  # the grader's contract is 99.0% on the test set


def mnist_accuracy(model, shape, split="validation", scale=1.0, chunk=2000) -> float:
    """Accuracy of a model's predictions on a split's 10,000 MNIST images of `shape` (pixels times `scale`).

    The images go in chunks, each call of `predict` under the time limit even on a slow, busy laptop.
    """
    from course.checks.inputs import mnist_split

    y = mnist_split(split)[1]
    correct = 0
    for start in range(0, len(y), chunk):
        name = f"{split} images {start} to {start + chunk - 1}"
        images = Given(
            "course.checks.inputs:mnist_images", split, start, start + chunk, (-1, *shape[1:]), scale, name=name
        )
        shown = f"trained_model.predict({name})"
        scores = call(lambda m, x: m.predict(x, batch_size=500, verbose=0), model, images, shown=shown)
        scores = array(scores, shown, shape=(min(chunk, len(y) - start), 10))
        correct += int(np.sum(scores.argmax(axis=1) == y[start : start + chunk]))
    return correct / len(y)


SKIP_LINE = "trained_model = lenet  # no points"  # notebook 04's skip line: the network trained in its LeNet section


@register("cnn.trained_model", kind="value")
def check_trained_model(model):
    # The notebook's check scores the validation split only; the batch grader (a seed) then scores the test set,
    # its hidden case, whose feedback gives the accuracy and no image.
    shown = "trained_model"
    model = model_of(model, shown, SKIP_LINE)
    given, output = shapes(model, shown)
    if given is None:
        raise Mistake(f"{shown} has no input shape yet: it was never trained or called. Build and fit it first.")
    if given not in ((None, 28, 28, 1), (None, 28, 28)):
        raise WrongShape(f"{shown} takes inputs of shape {given}; the MNIST images are (None, 28, 28, 1).")
    if output != (None, 10):
        raise WrongShape(f"{shown} gives outputs of shape {output}; expected (None, 10): a score for each digit.")
    for split in cases(("validation",), lambda rng: "test"):
        _expect_accuracy(model, given, split)


def _expect_accuracy(model, given, split):
    shown, threshold = "trained_model", THRESHOLD[split]
    accuracy = mnist_accuracy(model, given, split)
    if accuracy >= threshold:
        return
    if split == "test":  # the grader's hidden case: its contract, no diagnosis
        raise Mistake(
            f"{shown} classifies {accuracy:.2%} of {SPLITS[split]} correctly (the grader's held-out test); "
            f"{threshold:.1%} is needed.",
            "below 99% on the test set",
        )
    raw = mnist_accuracy(model, given, split, 255.0)
    if raw >= threshold:
        raise Mistake(
            f"{shown} reaches {raw:.2%} of {SPLITS[split]} only on pixels 0-255 ({accuracy:.2%} on the notebook's "
            "x / 255): train it on images scaled to [0, 1] as the notebook does.",
            "trained on pixels 0-255",
        )
    if accuracy < 0.2:
        raise Mistake(
            f"{shown} classifies {accuracy:.1%} of {SPLITS[split]} correctly, about chance (10%): "
            "it looks untrained. Call fit() on it first.",
            "untrained",
        )
    raise Mistake(
        f"{shown} classifies {accuracy:.2%} of {SPLITS[split]} correctly; {threshold:.1%} is needed. Train the "
        "LeNet-style network with batch normalisation (Adam, a decaying learning rate, a few epochs) on x_train "
        "until it reaches 99.2% on the validation split.",
        "below 98.8% on validation",
    )
