"""Checks of notebook 03, convolution, part 2: conv2d on one channel and a whole convolutional layer."""

import numpy as np

from course.checks.convolution import IMAGES, MISTAKES, SEED, _call, _expect, _shown, ints
from course.checks.kit import Mistake, WrongShape, WrongType, array, call, diagnose, expect, same
from course.checks.shown import fmt, value_of
from course.grading.cases import Given, adapter, cases
from course.grading.registry import register
from course.references.convolution import conv2d, conv2d_layer

LOOP_COUNT = adapter("course.checks.adapters:loop_count")
CHANNEL_SLICES = adapter("course.checks.adapters:channel_slices")

KERNEL_3 = Given("numpy:array", [[1, 2, 0], [0, -1, 3], [2, 0, -2]])  # no symmetry: a flip or a transpose shows
KERNEL_4 = Given("course.checks.inputs:pattern", (4, 4), 7, 3)
BLUR = Given("numpy:full", (3, 3), 1 / 9)
CONV2D_CASES = [(*SEED, 1, "valid"), (*SEED, 1, "same")]  # Erlingsson's "valid vs same" slide
CONV2D_CASES += [(IMAGES[0], kernel, 1, padding) for kernel, padding in ((KERNEL_3, "valid"), (BLUR, "valid"))]
CONV2D_CASES += [(IMAGES[0], KERNEL_3, 1, "same"), (IMAGES[1], KERNEL_4, 1, "same"), (IMAGES[1], KERNEL_3, 2, "valid")]
CONV2D_CASES += [(IMAGES[1], KERNEL_3, 2, "same"), (IMAGES[0], KERNEL_4, 3, "same")]  # odd padding, extra at the end
LAYER_INPUTS = {
    name: Given("course.checks.inputs:pattern", shape, m, m // 2, 2, True)
    for name, shape, m in [
        ("x2", (5, 5, 2), 13),
        ("k2", (3, 3, 2, 2), 7),
        ("x3", (4, 4, 3), 7),
        ("k3", (3, 3, 3, 2), 11),
        ("xb", (3, 6, 6, 2), 11),
        ("kb", (3, 3, 2, 4), 13),
        ("k4", (4, 4, 2, 2), 9),
    ]
} | {"b2": Given("numpy:array", [0.5, -4.0]), "b4": Given("numpy:array", [1.0, -2.0, 0.0, 3.0])}
# as the notebook's digits: a float32 batch of one channel, 5 x 5 kernels, a float32 bias
LAYER_INPUTS |= {"x1": Given("course.checks.inputs:pattern32", (2, 7, 7, 1), 11, 5)}
LAYER_INPUTS |= {
    "k1": Given("course.checks.inputs:pattern32", (5, 5, 1, 3), 5, 2, 1),
    "b3": Given("numpy:array", [0.5, 0, -1], "float32"),
}
LAYER_CASES = [(("x2", "k2", "b2"), 1, "valid"), (("x3", "k3", "b2"), 1, "valid"), (("x2", "k2", "b2"), 1, "same")]
LAYER_CASES += [(("xb", "kb", "b4"), 1, "valid"), (("xb", "kb", "b4"), 2, "same"), (("xb", "k4", "b2"), 1, "same")]
LAYER_CASES += [(("x1", "k1", "b3"), 1, "valid")]


def _conv2d_case(rng, divisor, kernels, stride, padding="same", sides=range(6, 9)):
    """A hidden (image, kernel, stride, padding): a k x k kernel, k drawn from `kernels`; over `divisor`, fractions.
    A 4 x 4 kernel pads 'same' by 3, so that the extra row (bottom) and a one-sided padding show; a 3 x 3 kernel at
    stride 2 on even sides pads by 1, not by the 2 of stride 1."""
    k = int(rng.choice(kernels))
    image = ints(rng, tuple(int(v) for v in rng.choice(sides, size=2)))
    kernel = ints(rng, (k, k)) / divisor if divisor != 1 else ints(rng, (k, k))
    return image, kernel, stride, padding


HIDDEN_CONV2D = [
    lambda rng: _conv2d_case(rng, 1, [2, 3, 4], 1, "valid"),
    lambda rng: _conv2d_case(rng, 1, [4], 1),
    lambda rng: _conv2d_case(rng, 4, [3], 2, sides=[6, 8]),
]


def _layer_case(rng, batch=False):
    """A hidden ([x, kernels, bias], stride, padding): one image (H, W, C) with C_in = C_out, 3 x 3 kernels and
    'same' (so swapped channel axes and one-sided padding run and show), or a batch at stride 2."""
    k, c_in = (3, int(rng.integers(2, 4))) if not batch else (int(rng.integers(2, 5)), int(rng.integers(1, 4)))
    c_out = c_in if not batch else int(rng.integers(2, 5))
    shape = (*((int(rng.integers(2, 4)),) if batch else ()), *(int(v) for v in rng.integers(k + 1, 8, size=2)), c_in)
    values = [ints(rng, shape).astype(float), ints(rng, (k, k, c_in, c_out)).astype(float), ints(rng, c_out) / 2]
    return values, (2 if batch else 1), (str(rng.choice(["valid", "same"])) if batch else "same")


def _padding_hints(layer, args):
    """Outputs of 'same' padded on the wrong sides, each with the message naming the mistake."""
    rules = ("extra_before", "before", "after", "stride1", "symmetric")
    keys = ("extra before", "one side", "one side", "stride1", "symmetric")
    return [(layer(*args, rule=rule), MISTAKES[key]) for rule, key in zip(rules, keys, strict=True)]


@register("convolution.conv2d", uses=("conv_output_size", "pad"))
def check_conv2d(fn):
    for image, kernel, stride, padding in cases(CONV2D_CASES, *HIDDEN_CONV2D):
        extra = (stride, padding) if (stride, padding) != (1, "valid") else ()
        options = (f", stride={stride}" if stride > 1 else "") + (", padding='same'" if padding == "same" else "")
        shown = _shown("conv2d", {"image": image, "kernel": kernel}, options)
        out = array(_call(fn, "conv2d", {"image": image, "kernel": kernel}, extra, shown), shown)
        args = image, kernel, stride, padding = value_of(image), value_of(kernel), stride, padding
        expected = conv2d(*args)
        hints = [(conv2d(image, kernel, stride, "valid"), MISTAKES["no padding"])] if padding == "same" else []
        hints += [(conv2d(*args, flip=True), MISTAKES["flip"]), (conv2d(*args, swap=True), MISTAKES["swap"])]
        hints += [(expected.T, MISTAKES["transposed"]), (expected[:-1, :-1], MISTAKES["off by one"])]
        hints += _padding_hints(conv2d, args) if padding == "same" else []
        hints += [(conv2d(image, kernel, 1, padding), MISTAKES["stride"])] if stride > 1 else []
        if out.dtype.kind in "biu" and out.shape == expected.shape and not np.allclose(expected, np.round(expected)):
            raise Mistake(
                f"{shown} returned integers ({out.dtype}) and lost the fractions of {fmt(expected)}: an array made "
                "by np.zeros_like(image) keeps the image's integer dtype; create a float array (np.zeros(shape)).",
                "an integer output array",
            )
        if out.shape != expected.shape and not diagnose(out, hints):
            raise WrongShape(
                f"{shown} returned shape {out.shape}, expected {expected.shape}: along each axis there are "
                "conv_output_size(n, k, padding, stride) outputs.",
                "the wrong output size",
            )
        _expect(shown, out, expected, hints, atol=1e-5)
    _check_channel_slices(fn)


def _check_channel_slices(fn):
    """conv2d on one float32 channel of a stack of images and kernels, as the notebook's conv2d_layer_loops calls it:
    views that are not contiguous, of 4-byte floats."""
    image, kernel = IMAGES[1], KERNEL_3
    shown = "conv2d(x[:, :, c], k[:, :, c]) on float32 channel slices, as conv2d_layer_loops passes them later,"
    out = array(call(fn, image, kernel, wrap=CHANNEL_SLICES, shown=shown), shown)
    if not same(out, conv2d(image.value, kernel.value), atol=1e-4):
        raise Mistake(
            f"{shown} gives other values than on the same numbers in a fresh float64 array: don't assume 8-byte "
            "numbers or a contiguous array (use image.strides, or sliding_window_view).",
            "assumes contiguous float64",
        )


def _swapped_channels(x, kernels, bias, stride, padding):
    """The layer with kernels read as (k, k, C_out, C_in), where that shape fits; else None."""
    k = kernels.transpose(0, 1, 3, 2)
    return conv2d_layer(x, k, bias, stride, padding) if k.shape[2] == x.shape[-1] else None


@register("convolution.conv2d_layer", uses=("conv_output_size", "pad"))
def check_conv2d_layer(fn):
    visible = [([LAYER_INPUTS[key] for key in names], stride, padding) for names, stride, padding in LAYER_CASES]
    for values, stride, padding in cases(visible, _layer_case, lambda rng: _layer_case(rng, batch=True)):
        inputs = dict(zip(("x", "kernels", "bias"), values, strict=True))
        extra = (stride, padding) if (stride, padding) != (1, "valid") else ()
        shown = _shown("conv2d_layer", inputs, f", stride={stride}, padding={padding!r}" if extra else "")
        out = array(_call(fn, "conv2d_layer", inputs, extra, shown), shown)
        x, kernels, bias = (value_of(given) for given in inputs.values())
        args = (x, kernels, bias, stride, padding)
        expected = conv2d_layer(*args)
        hints = [(conv2d_layer(x, kernels, 0 * bias, stride, padding), MISTAKES["no bias"])]
        hints += [(conv2d_layer(*args, flip=True), MISTAKES["flip layer"])]
        hints += [(conv2d_layer(*args, swap=True), MISTAKES["swap layer"])]
        hints += [(_swapped_channels(*args), MISTAKES["channels swapped"])]
        hints += [(conv2d_layer(*args, relu=True), MISTAKES["relu"])]
        hints += [(np.moveaxis(expected, -1, -3), MISTAKES["channels first"])]
        hints += [(expected[..., :-1, :-1, :], MISTAKES["off by one"])]
        hints += _padding_hints(conv2d_layer, args) if padding == "same" else []
        if x.ndim == 3 and out.shape == (1, *expected.shape):
            raise WrongShape(f"{shown} returned shape {out.shape}: for one image (H, W, C_in) return (H', W', C_out).")
        _expect(shown, out, expected, hints, atol=1e-5)
    _check_vectorised(fn)


def _check_vectorised(fn):
    """A Python loop over the 128 images or the 14 x 14 output pixels repeats a line >= 128 times; a loop over the
    3 x 3 kernel offsets (and even the 2 x 3 channels) at most 54 times.

    The count comes from the learner's kernel (`adapters.loop_count`), so it is trusted only to fail an answer: a
    count of a loop is the submission's own admission; a count of none earns nothing by itself, the output it comes
    with is recomputed here.
    """
    x = Given("course.checks.inputs:pattern", (128, 16, 16, 2), 13, 6, 1, True, name="a batch of 128 images")
    shown = "conv2d_layer on a batch of 128 images of 16 x 16 x 2"
    out = call(fn, x, np.ones((3, 3, 2, 3)), np.zeros(3), wrap=LOOP_COUNT, shown=shown)
    if not isinstance(out, tuple) or len(out) != 2:  # only a remote stand-in that misbehaves gets here
        raise WrongType(f"{shown}: could not count the repeated lines.")
    out, repeats = out
    if not isinstance(repeats, int) or repeats > 100:
        raise Mistake(
            f"{shown}: one line ran {fmt(repeats)} times, a Python loop over the images or the pixels. Vectorise: "
            "all windows at once with sliding_window_view(x, (k, k), axis=(1, 2)), then one np.tensordot, "
            "np.einsum or matrix product (a loop over the k x k offsets is fine).",
            "not vectorised",
        )
    expect(shown, array(out, shown), conv2d_layer(x.value, np.ones((3, 3, 2, 3)), np.zeros(3)), atol=1e-5)
