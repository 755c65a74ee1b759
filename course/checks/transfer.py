"""Checks of notebook 05, transfer learning: preprocessing, a residual block, a frozen-base classifier, fine-tuning."""

import numpy as np

from course.checks.cnn import model_of
from course.checks.kit import Given, Mistake, Mutated, Raised, WrongShape, WrongType, array, call, expect, fmt
from course.grading.registry import register
from course.references import transfer as ref

IMAGES = (
    "np.arange(0, 256, 8, dtype=np.uint8).reshape(1, 2, 4, 4)[..., :3]",
    "np.linspace(0.0, 255.0, 48, dtype=np.float32).reshape(2, 2, 4, 3)",
)


@register("transfer.preprocess")
def check_preprocess(fn):
    for code in IMAGES:
        images = Given(code, "images")
        shown = f"preprocess(images) with images = {code}"
        try:
            out = call(fn, images, shown=shown)
        except Mutated as e:
            raise Mutated(str(e), "input changed in place") from None
        except Raised as e:
            if "UFuncTypeError" in e.error_types or "TypeError" in e.error_types:
                hint = "convert to float first (np.asarray(images, dtype=np.float32)); uint8 cannot hold x / 127.5"
                raise Raised(f"{e}: {hint}.", e.error, e.error_types, "in place on uint8") from None
            raise
        x = images.value
        out = array(out, shown, shape=x.shape)
        expected = ref.preprocess(x)
        hints = [
            (x / 255.0, "dividing by 255 gives [0, 1]; MobileNetV2 expects [-1, 1]: x / 127.5 - 1."),
            (x / 127.5, "the -1 is missing: x / 127.5 gives [0, 2]."),
            (ref.preprocess(x, bgr=True), "the channels are swapped to BGR; MobileNetV2 takes RGB as it is."),
            (x / 255.0 - 0.5, "that gives [-0.5, 0.5]; use x / 127.5 - 1."),
        ]
        expect(shown, out, expected, hints, atol=1e-5, rtol=1e-5)
        if out.dtype != np.float32:
            raise WrongType(f"{shown} returned {out.dtype} values; expected float32 as Keras gives.", "not float32")


STEPS = ["Conv2D", "BatchNormalization", "ReLU", "Conv2D", "BatchNormalization", "Add", "ReLU"]
STEP_MISTAKES = [
    (["Conv2D", "BatchNormalization", "ReLU", "Conv2D", "BatchNormalization", "ReLU"], "no shortcut"),
    (["Conv2D", "BatchNormalization", "ReLU", "Conv2D", "BatchNormalization", "ReLU", "Add"], "ReLU before the add"),
    (["Conv2D", "BatchNormalization", "ReLU", "Conv2D", "Add", "BatchNormalization", "ReLU"], "add before BN"),
    (["Conv2D", "BatchNormalization", "Add", "ReLU"], "a single convolution"),
    (["Conv2D", "BatchNormalization", "ReLU", "Add", "ReLU"], "a single convolution"),
]
STEP_HINTS = {
    "no shortcut": "the shortcut is missing: add the input x to the branch's output before the last ReLU.",
    "ReLU before the add": "the last ReLU comes after the addition: ReLU(x + BN(...)), not x + ReLU(BN(...)).",
    "add before BN": "add the shortcut after the second BatchNormalization, not before it.",
    "a single convolution": "the branch has two 3x3 convolutions, each followed by BatchNormalization.",
}
WRAP = "lambda f, x, filters: keras.Model(x, f(x, filters))"


@register("transfer.residual_block")
def check_residual_block(fn):
    x = Given("keras.Input((8, 8, 4))", "x")
    shown = "residual_block(x, 4) with x = keras.Input((8, 8, 4))"
    try:
        model = call(fn, x, 4, wrap=WRAP, shown=shown)
    except Raised as e:
        if "ValueError" in e.error_types:
            hint = "padding='valid' shrinks the branch, so x and it cannot be added: use padding='same', stride 1"
            raise Raised(f"{e}. {hint}.", e.error, e.error_types, "valid padding") from None
        raise
    model = model_of(model, shown)
    reading = f"reading {shown}"
    output = call(lambda m: tuple(m.output.shape), model, shown=reading)
    if output != (None, 8, 8, 4):
        hint = "valid padding" if output[1:3] != (8, 8) else None
        fix = ": use padding='same' and stride 1 so that x can be added" if hint else ""
        raise WrongShape(f"{shown} gives outputs of shape {output}, expected (None, 8, 8, 4){fix}.", hint)
    steps = call(ref.block_summary, model, shown=reading)
    kinds = [step[0] for step in steps]
    if kinds != STEPS:
        hint = next((h for wrong, h in STEP_MISTAKES if kinds == wrong), None)
        listing = ", ".join(kinds) or "nothing"
        message = f"{shown} computes {listing}; expected {', '.join(STEPS)}"
        raise Mistake(f"{message}: {STEP_HINTS[hint]}" if hint else message + ".", hint)
    for kind, kernel, strides, padding, _ in steps:
        if kind == "Conv2D" and (kernel, strides, padding) != ((3, 3), (1, 1), "same"):
            text = f"kernel {kernel}, strides {strides}, padding '{padding}'"
            raise Mistake(f"{shown} has a Conv2D with {text}; expected 3x3, stride 1, 'same'.", "conv settings")
    use_bias = steps[0][4]
    reference = ref.block_model(use_bias=use_bias)
    count = call(lambda m: m.count_params(), model, shown=reading)
    if count != reference.count_params():
        raise Mistake(f"{shown} has {count:,} parameters; expected {reference.count_params():,} (4 filters).")
    out = array(call(ref.block_output, model, shown=f"running {shown} with known weights"), shown)
    expect(f"{shown} with the check's weights", out, ref.block_output(reference), atol=1e-4, rtol=1e-4)


BASE = Given("course.references.transfer.tiny_base()", "base")
CLASSIFIER = "build_classifier(base, 3) with base = a small stand-in for MobileNetV2 (32 x 32 x 3 inputs)"


@register("transfer.build_classifier")
def check_build_classifier(fn):
    shown = CLASSIFIER
    model = model_of(call(fn, BASE, 3, shown=shown), "build_classifier(base, 3)")
    shapes = call(lambda m: (tuple(m.input_shape), tuple(m.output_shape)), model, shown=f"reading {shown}")
    if shapes[0] != (None, 32, 32, 3):
        raise WrongShape(f"{shown} takes inputs of shape {shapes[0]}; expected the base's, (None, 32, 32, 3).")
    summary = call(ref.classifier_summary, model, shown=f"reading {shown}")
    layers = summary["layers"]
    if "Flatten" in layers:
        hint = "Flatten instead of pooling"
        raise Mistake(f"{shown} flattens the feature maps: use GlobalAveragePooling2D (one number per channel).", hint)
    if shapes[1] != (None, 3):
        raise WrongShape(f"{shown} gives outputs of shape {shapes[1]}; expected (None, 3): one per class.")
    if summary["activation"] == "sigmoid":
        hint = "sigmoid output"
        raise Mistake(f"{shown} ends with a sigmoid: use activation='softmax' so the 3 probabilities sum to 1.", hint)
    if summary["activation"] != "softmax":
        raise Mistake(f"{shown} ends with activation {summary['activation']!r}; expected 'softmax'.")
    if summary["moves_in_training"] or summary["trainable"] != 16 * 3 + 3:
        hint = "base left trainable"
        message = f"{shown} has {summary['trainable']:,} trainable weights, expected 51 (the Dense layer's)"
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
        expected = "the base, GlobalAveragePooling2D, Dropout(0.2), Dense(3, softmax)"
        found = ", ".join(layers) + (f" (dropout rates {fmt(summary['rates'])})" if summary["rates"] else "")
        raise Mistake(f"{shown} has layers {found}; expected {expected}.")


UNFREEZE_CASES = (6, 9)


@register("transfer.unfreeze_top")
def check_unfreeze_top(fn):
    for n in UNFREEZE_CASES:
        base = Given("course.references.transfer.tiny_base(trainable=False)", "base")
        shown = f"unfreeze_top(base, {n}) with base = a frozen 11-layer stand-in for MobileNetV2"
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


TEST_PHOTOS = "course.data.photos.load_photos('test')"


def photo_accuracy(model, scale=None, chunk=40) -> tuple[float, np.ndarray]:
    """Accuracy on the 153 test photos (optionally preprocessed as x * scale - 1), and the predicted classes."""
    y = ref_test_labels()
    predicted = []
    for start in range(0, len(y), chunk):
        code = f"{TEST_PHOTOS}[0][{start}:{start + chunk}]" + ("" if scale is None else f" * {scale} - 1")
        images = Given(code, f"test photos {start} to {min(start + chunk, len(y)) - 1}")
        shown = f"trained_model.predict({images})"
        scores = call(lambda m, x: m.predict(x, batch_size=20, verbose=0), model, images, shown=shown)
        predicted.append(array(scores, shown, shape=(min(chunk, len(y) - start), 2)).argmax(axis=1))
    predicted = np.concatenate(predicted)
    return float(np.mean(predicted == y)), predicted


def ref_test_labels():
    from course.data.photos import load_photos

    return load_photos("test")[1]


@register("transfer.trained_model", kind="value")
def check_trained_model(model):
    shown = "trained_model"
    model = model_of(model, shown)
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
