"""Checks of notebook 05, transfer learning: preprocessing, a residual block, a frozen-base classifier, fine-tuning."""

import numpy as np

from course.checks.kit import Mistake, Mutated, Raised, WrongShape, WrongType, array, call, expect, model_of
from course.checks.shown import label, value_of
from course.grading.cases import Described, Given, adapter, cases
from course.grading.registry import register
from course.references import transfer as ref

IMAGES = (
    Described(np.arange(0, 256, 8, dtype=np.uint8).reshape(1, 2, 4, 4)[..., :3], "2 x 4 uint8 pixels 0, 8, ..., 248"),
    Described(np.linspace(0.0, 255.0, 48, dtype=np.float32).reshape(2, 2, 4, 3), "2 images of float32 pixels 0-255"),
)
AS_MODEL = adapter("course.checks.adapters:as_model")


def _images(rng):
    """Hidden images: 1 to 3 images of 2 to 5 x 2 to 5 RGB pixels, uint8 or float32 values 0-255."""
    shape = (int(rng.integers(1, 4)), *(int(v) for v in rng.integers(2, 6, size=2)), 3)
    pixels = rng.integers(0, 256, size=shape)
    return pixels.astype(np.uint8) if rng.random() < 0.5 else pixels.astype(np.float32)


@register("transfer.preprocess")
def check_preprocess(fn):
    for images in cases(IMAGES, _images, _images):
        shown = label("preprocess", f"preprocess({images})")
        try:
            out = call(fn, images, shown=shown)
        except Mutated as e:
            raise Mutated(str(e), "input changed in place") from None
        except Raised as e:
            if "UFuncTypeError" in e.error_types or "TypeError" in e.error_types:
                hint = "convert to float first (np.asarray(images, dtype=np.float32)); uint8 cannot hold x / 127.5"
                raise Raised(f"{e}: {hint}.", e.error, e.error_types, "in place on uint8") from None
            raise
        x = value_of(images)
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


@register("transfer.residual_block")
def check_residual_block(fn):
    # No hidden cases: the answer builds layers on the input it is given, which no table of outputs replays, and a
    # hidden block costs a model's round trip through a .keras file (about 1.5 s on a busy 2-core machine).
    _check_block(fn, 8, 4)


def _check_block(fn, size, filters):
    """The block on keras.Input((size, size, filters)), read and run with known weights outside the kernel."""
    x = Given("course.checks.inputs:keras_input", (size, size, filters), name="x")
    shown = label("residual_block", f"residual_block(x, {filters}) with x = keras.Input({(size, size, filters)})")
    try:
        model = call(fn, x, filters, wrap=AS_MODEL, shown=shown)
    except Raised as e:
        if "ValueError" in e.error_types:
            hint = "padding='valid' shrinks the branch, so x and it cannot be added: use padding='same', stride 1"
            raise Raised(f"{e}. {hint}.", e.error, e.error_types, "valid padding") from None
        raise
    model = model_of(model, shown)
    reading = f"reading {shown}"
    output = call(lambda m: tuple(m.output.shape), model, shown=reading)
    if output != (None, size, size, filters):
        hint = "valid padding" if output[1:3] != (size, size) else None
        fix = ": use padding='same' and stride 1 so that x can be added" if hint else ""
        raise WrongShape(
            f"{shown} gives outputs of shape {output}, expected (None, {size}, {size}, {filters}){fix}.", hint
        )
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
    reference = ref.block_model(filters, size, use_bias=use_bias)
    count = call(lambda m: m.count_params(), model, shown=reading)
    if count != reference.count_params():
        expected = f"{reference.count_params():,} ({filters} filters)"
        raise Mistake(f"{shown} has {count:,} parameters; expected {expected}.")
    out = array(call(ref.block_output, model, shown=f"running {shown} with known weights"), shown)
    expect(f"{shown} with the check's weights", out, ref.block_output(reference), atol=1e-4, rtol=1e-4)
