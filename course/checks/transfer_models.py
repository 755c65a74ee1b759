"""Checks of notebook 05, part 2: a classifier on a frozen base, fine-tuning its top, the trained model."""

import numpy as np

from course.checks.cnn import model_of
from course.checks.kit import Given, Mistake, WrongShape, WrongType, array, call, cases, fmt, label
from course.grading.registry import register
from course.references import transfer as ref

BASE = Given("course.references.transfer:tiny_base", name="base")
CLASSIFIER = "build_classifier(base, {}) with base = a small stand-in for MobileNetV2 (32 x 32 x 3 inputs)"
BASE_CHANNELS = 16  # the channels of the stand-in's last feature maps


def _classes(rng):
    return int(rng.integers(2, 11))


@register("transfer.build_classifier")
def check_build_classifier(fn):
    for classes in cases([3], _classes, _classes):
        _check_classifier(fn, classes)


def _check_classifier(fn, classes):
    """The classifier of `classes` classes on the stand-in base, read outside the kernel."""
    shown = label("build_classifier", CLASSIFIER.format(classes))
    model = model_of(
        call(fn, BASE, classes, shown=shown), label("build_classifier", f"build_classifier(base, {classes})")
    )
    shapes = call(lambda m: (tuple(m.input_shape), tuple(m.output_shape)), model, shown=f"reading {shown}")
    if shapes[0] != (None, 32, 32, 3):
        raise WrongShape(f"{shown} takes inputs of shape {shapes[0]}; expected the base's, (None, 32, 32, 3).")
    summary = call(ref.classifier_summary, model, shown=f"reading {shown}")
    layers = summary["layers"]
    if "Flatten" in layers:
        hint = "Flatten instead of pooling"
        raise Mistake(f"{shown} flattens the feature maps: use GlobalAveragePooling2D (one number per channel).", hint)
    if shapes[1] != (None, classes):
        raise WrongShape(f"{shown} gives outputs of shape {shapes[1]}; expected (None, {classes}): one per class.")
    if summary["activation"] == "sigmoid":
        hint = "sigmoid output"
        text = f"use activation='softmax' so the {classes} probabilities sum to 1"
        raise Mistake(f"{shown} ends with a sigmoid: {text}.", hint)
    if summary["activation"] != "softmax":
        raise Mistake(f"{shown} ends with activation {summary['activation']!r}; expected 'softmax'.")
    dense = BASE_CHANNELS * classes + classes
    if summary["moves_in_training"] or summary["trainable"] != dense:
        hint = "base left trainable"
        message = f"{shown} has {summary['trainable']:,} trainable weights, expected {dense} (the Dense layer's)"
        if summary["moves_in_training"]:
            message += "; model(x, training=True) moved the base's BatchNorm statistics"
        raise Mistake(f"{message}: set base.trainable = False.", hint)
    if summary["moves_when_unfrozen"]:
        hint = "base called with training=True"
        text = "after unfreezing the base, a plain model(x) moved its BatchNorm statistics"
        raise Mistake(f"{shown}: {text}: call the base with base(inputs, training=False).", hint)
    if not summary["nested"]:
        raise Mistake(
            f"{shown} has layers {', '.join(layers)}; call the base as one layer: base(inputs, training=False)."
        )
    if layers[1:] != ["GlobalAveragePooling2D", "Dropout", "Dense"] or summary["rates"] != [0.2]:
        expected = f"the base, GlobalAveragePooling2D, Dropout(0.2), Dense({classes}, softmax)"
        found = ", ".join(layers) + (f" (dropout rates {fmt(summary['rates'])})" if summary["rates"] else "")
        raise Mistake(f"{shown} has layers {found}; expected {expected}.")


UNFREEZE_CASES = (6, 9)


def _unfrozen(rng):
    return int(rng.integers(2, 11))


@register("transfer.unfreeze_top")
def check_unfreeze_top(fn):
    for n in cases(UNFREEZE_CASES, _unfrozen, _unfrozen):
        base = Given("course.references.transfer:tiny_base", False, name="base")
        shown = label("unfreeze_top", f"unfreeze_top(base, {n}) with base = a frozen 11-layer stand-in for MobileNetV2")
        returned = call(fn, base, n, shown=shown)
        if returned is None:
            raise WrongType(f"{shown} returned None: return base.")
        model_of(returned, shown)
        flags, base_trainable, count = call(ref.trainable_layers, returned, shown=f"reading {shown}")
        variants = [
            (dict(n=n + 1), "off by one: that unfreezes the last n + 1 layers.", "off by one"),
            (dict(n=n - 1), "off by one: that unfreezes the last n - 1 layers.", "off by one"),
            (
                dict(n=n, from_top=False),
                "that unfreezes the first n layers; fine-tuning unfreezes the last n.",
                "first n",
            ),
            (
                dict(n=n, bn_frozen=False),
                "BatchNormalization layers must stay frozen, even among the last n.",
                "BN unfrozen",
            ),
            (
                dict(n=n, set_base=False),
                "base.trainable is still False: set it to True, then freeze layers.",
                "base frozen",
            ),
        ]
        expected = ref.trainable_layers(ref.unfreeze_top(ref.tiny_base(False), n))
        if (flags, base_trainable, count) == expected:
            continue
        for kwargs, message, hint in variants:
            if (flags, base_trainable, count) == ref.trainable_layers(ref.unfreeze_top(ref.tiny_base(False), **kwargs)):
                raise Mistake(f"{shown}: {message}", hint)
        if not base_trainable:
            raise Mistake(f"{shown} left base.trainable False: set base.trainable = True first.", "base frozen")
        wrong = [name for (name, _, flag), (_, _, want) in zip(flags, expected[0], strict=False) if flag != want]
        raise Mistake(f"{shown} left these layers' trainable flags wrong: {', '.join(wrong) or 'their count'}.")


def photo_accuracy(model, scale=None, chunk=40) -> tuple[float, np.ndarray]:
    """Accuracy on the 153 test photos (optionally preprocessed as x * scale - 1), and the predicted classes."""
    y = ref_test_labels()
    predicted = []
    for start in range(0, len(y), chunk):
        name = f"test photos {start} to {min(start + chunk, len(y)) - 1}"
        images = Given("course.checks.inputs:photo_batch", start, start + chunk, scale, name=name)
        shown = f"trained_model.predict({images})"
        scores = call(lambda m, x: m.predict(x, batch_size=20, verbose=0), model, images, shown=shown)
        predicted.append(array(scores, shown, shape=(min(chunk, len(y) - start), 2)).argmax(axis=1))
    predicted = np.concatenate(predicted)
    return float(np.mean(predicted == y)), predicted


def ref_test_labels():
    from course.data.photos import load_photos

    return load_photos("test")[1]


SKIP_LINE = "trained_model = frozen  # no points"  # notebook 05's skip line: the frozen base with its trained head


@register("transfer.trained_model", kind="value")
def check_trained_model(model):
    shown = "trained_model"
    model = model_of(model, shown, SKIP_LINE)
    shapes = call(lambda m: (tuple(m.input_shape), tuple(m.output_shape)), model, shown=f"reading {shown}")
    if shapes[0] != (None, 224, 224, 3):
        raise WrongShape(f"{shown} takes inputs of shape {shapes[0]}; the photos are (None, 224, 224, 3).")
    if shapes[1] != (None, 2):
        raise WrongShape(f"{shown} gives outputs of shape {shapes[1]}; expected (None, 2): P(ant), P(bee).")
    accuracy, _ = photo_accuracy(model)
    if accuracy >= 0.9:
        return
    if accuracy <= 0.1:
        raise Mistake(f"{shown} is right on {accuracy:.1%} of the test photos: class 0 is ants, 1 bees.", "swapped")
    if photo_accuracy(model, scale=1 / 127.5)[0] >= 0.9:
        message = f"{shown} classifies {accuracy:.1%} of the photos as course.data loads them (values 0-255)"
        hint = "preprocessing outside the model"
        raise Mistake(f"{message}: put the preprocessing (x / 127.5 - 1) inside the model.", hint)
    raise Mistake(f"{shown} classifies {accuracy:.1%} of the 153 test photos correctly; 90% is needed.", "below 90%")
