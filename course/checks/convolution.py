"""Checks of notebook 03, convolution, part 1: output size, padding, max pooling, parameter counts."""

import numpy as np

from course.checks.kit import Given, WrongType, array, call, cases, expect, fmt, label, value_of
from course.grading.registry import register
from course.references.convolution import conv_output_size, conv_param_count, max_pool2d, pad

# Small inputs a learner can rebuild: each comes with the expression that makes it, shown in the feedback.


SEED = (
    Given("course.checks.inputs:grid", 1, 13, (3, 4)),
    Given("numpy:ones", (2, 2)),
)  # Erlingsson's lecture: 3x4 input, 2x2 summing kernel
IMAGES = [Given("course.checks.inputs:pattern", (h, w), m, 2) for h, w, m in ((5, 6, 11), (6, 7, 7))]
POOL_CASES = [
    (Given("numpy:array", [[1, 3, -2, -4], [2, 0, -1, -3], [5, -6, 7, 8], [-1, -2, 9, 0]]), ()),
    (Given("course.checks.inputs:pattern", (5, 5), 7, 3, 1), ()),
    (Given("course.checks.inputs:pattern", (4, 4, 2), 9, 4, 1), ()),
    (Given("course.checks.inputs:pattern", (5, 5), 6, 1), (3, 2)),
    (Given("course.checks.inputs:pattern", (6, 6), 11, 0, 1), (2, 1)),
]


def _shown(name, inputs, options=""):
    """How feedback names a call: `conv2d(image, kernel, stride=2) with image = ..., kernel = ...`."""
    named = ", ".join(f"{k} = {g.code}" for k, g in inputs.items() if isinstance(g, Given))
    return label(name, f"{name}({', '.join(inputs)}{options})" + (f" with {named}" if named else ""))


def ints(rng, shape, low=-4, high=5):
    """A hidden input of small integers, both signs."""
    return rng.integers(low, high, size=shape)


def _pad_case(rng):
    shape = tuple(int(v) for v in rng.integers(2, 6, size=rng.integers(2, 4)))
    return ints(rng, shape).astype(float), int(rng.integers(1, 4))


def _pool_case(rng):
    """A hidden (x, (size, stride)): x of (h, w) or (h, w, c) integers, mostly negative so that 0 is no maximum."""
    shape = tuple(int(v) for v in rng.integers(4, 8, size=rng.integers(2, 4)))
    size = int(rng.integers(2, 4))
    return ints(rng, shape, -9, 3), (size, int(rng.integers(1, size + 1)))


def _call(fn, name, inputs, extra=(), shown=""):
    """kit.call on the inputs (Given) and extra arguments, shown as `shown`."""
    return call(fn, *inputs.values(), *extra, name=name, shown=shown)


def _expect(shown, actual, expected, hints=(), atol=1e-6):
    expect(shown, actual, expected, hints, atol=atol, rtol=1e-6)


def _count(out, shown, expected, hints):
    """Check a count: the right int, else a Mistake naming the mistake or asking for an int."""
    if isinstance(out, bool | np.bool_) or not isinstance(out, int | np.integer | float | np.floating):
        raise WrongType(f"{shown} returned {fmt(out)} ({type(out).__name__}); expected an int.")
    _expect(shown, array(out, shown), expected, hints)
    if not isinstance(out, int | np.integer):
        raise WrongType(f"{shown} returned {fmt(out)}, a float; a count is a whole number: return an int (use //).")


MISTAKES = {
    "flip": "the kernel is flipped: that is a true convolution; deep-learning libraries compute the cross-correlation "
    "S[i, j] = sum of image[i + m, j + n] * kernel[m, n], with no flip.",
    "swap": "the kernel's axes are swapped (kernel.T): kernel[m, n] multiplies image[i + m, j + n], m down the rows "
    "and n along the columns.",
    "transposed": "the output's axes are swapped: rows first, shape (H', W').",
    "off by one": "off by one: the last row and column of windows are missing; there are (n - k) // stride + 1.",
    "no padding": "padding='same' is ignored: pad the image first.",
    "extra before": "the extra padding goes on the bottom/right, as in TensorFlow, not on the top/left: "
    "total = max((out - 1) * stride + k - n, 0), top = total // 2, bottom = the rest.",
    "one side": "padding on one side only: split it between both sides, the odd extra one on the bottom/right.",
    "stride1": "with a stride, 'same' pads only what ceil(n / stride) outputs need: "
    "total = max((out - 1) * stride + k - n, 0), as same_padding(n, k, stride) computes.",
    "symmetric": "k // 2 zeros on every side is too many for an even kernel: the total padding k - 1 is odd, "
    "so put the extra one on the bottom/right.",
    "stride": "the stride is ignored: move the window `stride` pixels at a time.",
    "average": "that is average pooling: take the maximum of each window.",
    "max from 0": "the maximum of a window of negative numbers is negative: start from the window's first value "
    "or use .max(), not from 0.",
    "partial": "a window that does not fit at the edge is dropped: there are (n - size) // stride + 1 per axis.",
    "channels pooled": "pool each channel on its own: the output keeps the channel axis, (H', W', C).",
    "rows and columns": "rows and columns are swapped.",
    "no bias": "the bias is missing: add bias[o] to feature map o.",
    "flip layer": "the kernels are flipped: compute the cross-correlation, no flip.",
    "swap layer": "the kernels' spatial axes are swapped: kernels[m, n] multiplies x[i + m, j + n].",
    "channels swapped": "the channel axes of the kernels are swapped: kernels has shape (k, k, C_in, C_out).",
    "relu": "no ReLU inside the layer: return the convolution plus bias; the activation comes after it.",
    "channels first": "channels go last: feature maps of shape (H', W', C_out).",
}


@register("convolution.conv_output_size")
def check_conv_output_size(fn):
    visible = [(28, 5), (28, 5, "valid", 1), (7, 3, "valid", 2), (8, 3, "valid", 2), (28, 5, "same", 1)]
    visible += [(7, 3, "same", 2), (8, 2, "same", 3), (6, 1, "valid", 1)]

    def draw(rng, padding, strides):
        """n, k, padding, stride; n not a multiple of the stride, where rounding up and down differ."""
        stride = int(rng.choice(strides))
        n = int(rng.integers(9, 40))
        return n + (n % stride == 0 and stride > 1), int(rng.integers(2, 8)), padding, stride

    hidden = [lambda rng: draw(rng, "valid", [1]), lambda rng: draw(rng, "valid", [2, 3])]
    for args in cases(visible, *hidden, lambda rng: draw(rng, "same", [2, 3])):
        n, k, padding, stride = (*args, "valid", 1)[:4]
        valid = [
            ((n - k) // stride, "off by one: the first window counts too, so add 1: (n - k) // stride + 1."),
            (n - k + 1, MISTAKES["stride"]),
            (-(-(n - k) // stride) + 1, "round down, not up: a window that does not fit is dropped."),
            ((n - k) / stride + 1, "(n - k) / stride is not a whole number here: round down with //."),
            (n, "that is the 'same' size; 'valid' keeps only windows that fit inside the input."),
        ]
        same = [
            (n // stride, "round up, not down: 'same' gives ceil(n / stride) outputs, e.g. -(-n // stride)."),
            (n, "the stride is ignored: 'same' with stride s gives ceil(n / stride) outputs."),
            (n / stride, "n / stride is not a whole number here: round it up."),
            ((n - k) // stride + 1, "that is the 'valid' size; 'same' pads so that the output is ceil(n / stride)."),
        ]
        out = call(fn, *args, shown=label("conv_output_size", f"conv_output_size{args}"))
        _count(
            out,
            label("conv_output_size", f"conv_output_size{args}"),
            conv_output_size(n, k, padding, stride),
            same if padding == "same" else valid,
        )


@register("convolution.pad")
def check_pad(fn):
    visible = [(SEED[0], 1), (Given("course.checks.inputs:pattern", (2, 3, 2), 5, 2, 1, True), 2), (IMAGES[0], 0)]
    for given, p in cases(visible, _pad_case, _pad_case):
        shown = _shown("pad", {"image": given}, f", {p}")
        out = array(_call(fn, "pad", {"image": given}, (p,), shown), shown)
        image = value_of(given)
        spatial = [(0, 0)] * (image.ndim - 2)
        one_side = "padding on one side only: add p zeros on every side."
        hints = [
            (np.pad(image, p), "pad only the two spatial axes: the channels must not grow (pad (0, 0) there)."),
            (np.pad(image, [(0, p), (0, p)] + spatial), one_side),
            (np.pad(image, [(p, 0), (p, 0)] + spatial), one_side),
            (np.pad(image, [(2 * p, 2 * p)] * 2 + spatial), "p is the padding of each side, not half of it."),
            (np.pad(image, [(p, p), (p, p)] + spatial, mode="edge"), "pad with zeros, not copies of the edge."),
            (np.pad(image, [(p, p), (p, p)] + spatial, constant_values=1), "pad with zeros, not ones."),
        ]
        _expect(shown, out, pad(image, p), hints)


@register("convolution.max_pool2d")
def check_max_pool2d(fn):
    for x, args in cases(POOL_CASES, _pool_case, _pool_case):
        size, stride = args or (2, 2)
        shown = _shown(
            "max_pool2d", {"x": x}, "".join(f", {k}={v}" for k, v in zip(("size", "stride"), args, strict=False))
        )
        out = array(_call(fn, "max_pool2d", {"x": x}, args, shown), shown)
        x = value_of(x)
        expected = max_pool2d(x, size, stride)
        hints = [
            (max_pool2d(x, size, stride, reduce=np.mean), MISTAKES["average"]),
            (np.maximum(expected, 0), MISTAKES["max from 0"]),
            (max_pool2d(x, size, stride, partial=True), MISTAKES["partial"]),
            (max_pool2d(x, size, size), MISTAKES["stride"]),
            (expected.max(axis=-1) if x.ndim == 3 else None, MISTAKES["channels pooled"]),
            (max_pool2d(np.swapaxes(x, 0, 1), size, stride), MISTAKES["rows and columns"]),
        ]
        _expect(shown, out, expected, hints)


@register("convolution.conv_param_count")
def check_conv_param_count(fn):
    visible = ((5, 1, 1), (5, 1, 20), (3, 3, 64), (5, 20, 50), (1, 8, 4))

    def draw(rng):
        return int(rng.integers(2, 8)), int(rng.integers(2, 65)), int(rng.integers(2, 129))

    for k, c_in, c_out in cases(visible, draw, draw):
        weights = k * k * c_in * c_out
        hints = [
            (weights, "the biases are missing: one per filter (c_out of them)."),
            (k * k * c_out + c_out, "each filter has a k x k kernel for every input channel: multiply by c_in."),
            (weights + c_in * c_out, "one bias per filter, not per (input, output) channel pair."),
            (k * c_in * c_out + c_out, "a kernel has k * k weights, not k."),
            (2 * weights, "a filter has one bias, not one per weight."),
            (weights + 1, "each of the c_out filters has its own bias."),
        ]
        shown = label("conv_param_count", f"conv_param_count({k}, {c_in}, {c_out})")
        _count(call(fn, k, c_in, c_out, shown=shown), shown, conv_param_count(k, c_in, c_out), hints)
