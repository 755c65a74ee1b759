"""Checks of notebook 03, convolution: output size, padding, conv2d, max pooling, a conv layer, parameter counts."""

import numpy as np

from course.checks.kit import Given, Mistake, WrongShape, WrongType, array, call, diagnose, expect, fmt
from course.grading.registry import register
from course.references.convolution import conv2d, conv2d_layer, conv_output_size, conv_param_count, max_pool2d, pad

# Small inputs a learner can rebuild: each comes with the expression that makes it, shown in the feedback.


SEED = Given("np.arange(1, 13).reshape(3, 4)"), Given("np.ones((2, 2))")  # seed 003: 3x4 input, 2x2 summing kernel
IMAGES = [Given(f"(np.arange({h * w}) ** 2 % {m} - 2).reshape({h}, {w})") for h, w, m in ((5, 6, 11), (6, 7, 7))]
KERNEL_3 = Given("np.array([[1, 2, 0], [0, -1, 3], [2, 0, -2]])")  # no symmetry: a flip or a transpose shows
KERNEL_4 = Given("(np.arange(16) ** 2 % 7 - 3).reshape(4, 4)")
BLUR = Given("np.full((3, 3), 1 / 9)")
CONV2D_CASES = [(*SEED, 1, "valid"), (*SEED, 1, "same")]  # seed 003's "valid vs same"
CONV2D_CASES += [(IMAGES[0], kernel, 1, padding) for kernel, padding in ((KERNEL_3, "valid"), (BLUR, "valid"))]
CONV2D_CASES += [(IMAGES[0], KERNEL_3, 1, "same"), (IMAGES[1], KERNEL_4, 1, "same"), (IMAGES[1], KERNEL_3, 2, "valid")]
CONV2D_CASES += [(IMAGES[1], KERNEL_3, 2, "same"), (IMAGES[0], KERNEL_4, 3, "same")]  # odd padding, extra at the end
LAYER_INPUTS = {
    name: Given(f"(np.arange({np.prod(shape)}) ** 2 % {m} - {m // 2}.0).reshape{shape}")
    for name, shape, m in [
        ("x2", (5, 5, 2), 13),
        ("k2", (3, 3, 2, 2), 7),
        ("x3", (4, 4, 3), 7),
        ("k3", (3, 3, 3, 2), 11),
        ("xb", (3, 6, 6, 2), 11),
        ("kb", (3, 3, 2, 4), 13),
        ("k4", (4, 4, 2, 2), 9),
    ]
} | {"b2": Given("np.array([0.5, -4.0])"), "b4": Given("np.array([1.0, -2.0, 0.0, 3.0])")}
LAYER_CASES = [(("x2", "k2", "b2"), 1, "valid"), (("x3", "k3", "b2"), 1, "valid"), (("x2", "k2", "b2"), 1, "same")]
LAYER_CASES += [(("xb", "kb", "b4"), 1, "valid"), (("xb", "kb", "b4"), 2, "same"), (("xb", "k4", "b2"), 1, "same")]
POOL_CASES = [
    (Given("np.array([[1, 3, -2, -4], [2, 0, -1, -3], [5, -6, 7, 8], [-1, -2, 9, 0]])"), ()),
    (Given("(np.arange(25) % 7 - 3).reshape(5, 5)"), ()),
    (Given("(np.arange(32) % 9 - 4).reshape(4, 4, 2)"), ()),
    (Given("(np.arange(25) ** 2 % 6 - 1).reshape(5, 5)"), (3, 2)),
    (Given("(np.arange(36) * 7 % 11).reshape(6, 6)"), (2, 1)),
]


def _shown(name, inputs, options=""):
    """How feedback names a call: `conv2d(image, kernel, stride=2) with image = ..., kernel = ...`."""
    return f"{name}({', '.join(inputs)}{options}) with " + ", ".join(f"{k} = {g.expr}" for k, g in inputs.items())


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
    cases = [(28, 5), (28, 5, "valid", 1), (7, 3, "valid", 2), (8, 3, "valid", 2), (28, 5, "same", 1)]
    for args in [*cases, (7, 3, "same", 2), (8, 2, "same", 3), (6, 1, "valid", 1)]:
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
        out = call(fn, *args, name="conv_output_size")
        _count(
            out,
            f"conv_output_size{args}",
            conv_output_size(n, k, padding, stride),
            same if padding == "same" else valid,
        )


@register("convolution.pad")
def check_pad(fn):
    for given, p in [(SEED[0], 1), (Given("(np.arange(12) % 5 - 2.0).reshape(2, 3, 2)"), 2), (IMAGES[0], 0)]:
        shown = f"pad(image, {p}) with image = {given.expr}"
        out = array(_call(fn, "pad", {"image": given}, (p,), shown), shown)
        image = given.value
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


def _padding_hints(layer, args):
    """Outputs of 'same' padded on the wrong sides, each with the message naming the mistake."""
    rules = ("extra_before", "before", "after", "stride1", "symmetric")
    keys = ("extra before", "one side", "one side", "stride1", "symmetric")
    return [(layer(*args, rule=rule), MISTAKES[key]) for rule, key in zip(rules, keys, strict=True)]


@register("convolution.conv2d")
def check_conv2d(fn):
    for image, kernel, stride, padding in CONV2D_CASES:
        extra = (stride, padding) if (stride, padding) != (1, "valid") else ()
        options = (f", stride={stride}" if stride > 1 else "") + (", padding='same'" if padding == "same" else "")
        shown = _shown("conv2d", {"image": image, "kernel": kernel}, options)
        out = array(_call(fn, "conv2d", {"image": image, "kernel": kernel}, extra, shown), shown)
        args = image, kernel, stride, padding = image.value, kernel.value, stride, padding
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


@register("convolution.max_pool2d")
def check_max_pool2d(fn):
    for x, args in POOL_CASES:
        size, stride = args or (2, 2)
        shown = _shown(
            "max_pool2d", {"x": x}, "".join(f", {k}={v}" for k, v in zip(("size", "stride"), args, strict=False))
        )
        out = array(_call(fn, "max_pool2d", {"x": x}, args, shown), shown)
        x = x.value
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


def _swapped_channels(x, kernels, bias, stride, padding):
    """The layer with kernels read as (k, k, C_out, C_in), where that shape fits; else None."""
    k = kernels.transpose(0, 1, 3, 2)
    return conv2d_layer(x, k, bias, stride, padding) if k.shape[2] == x.shape[-1] else None


@register("convolution.conv2d_layer")
def check_conv2d_layer(fn):
    for names, stride, padding in LAYER_CASES:
        inputs = {name: LAYER_INPUTS[key] for name, key in zip(("x", "kernels", "bias"), names, strict=True)}
        extra = (stride, padding) if (stride, padding) != (1, "valid") else ()
        shown = _shown("conv2d_layer", inputs, f", stride={stride}, padding={padding!r}" if extra else "")
        out = array(_call(fn, "conv2d_layer", inputs, extra, shown), shown)
        x, kernels, bias = (given.value for given in inputs.values())
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
    # Vectorised: a Python loop over the 128 images or the 14 x 14 output pixels repeats a line >= 128 times;
    # a loop over the 3 x 3 kernel offsets (and even the 2 x 3 channels) at most 54 times.
    x = Given("np.arange(65536.0).reshape(128, 16, 16, 2) % 13 - 6", "a batch of 128 images of 16 x 16 x 2")
    shown = "conv2d_layer on a batch of 128 images of 16 x 16 x 2"
    wrap = "lambda f, *args: course.grading.loops.most_repeated(f, *args, limit=1000)"
    out = call(fn, x, np.ones((3, 3, 2, 3)), np.zeros(3), wrap=wrap, shown=shown)
    if not isinstance(out, tuple) or len(out) != 2:  # only a remote stand-in that misbehaves gets here
        raise WrongType(f"{shown}: could not count the repeated lines.")
    out, repeats = out
    if repeats <= 100:
        expect(shown, array(out, shown), conv2d_layer(x.value, np.ones((3, 3, 2, 3)), np.zeros(3)), atol=1e-5)
    else:
        raise Mistake(
            f"{shown}: one line ran {repeats:,} times, a Python loop over the images or the pixels. Vectorise: "
            "all windows at once with sliding_window_view(x, (k, k), axis=(1, 2)), then one np.tensordot, "
            "np.einsum or matrix product (a loop over the k x k offsets is fine).",
            "not vectorised",
        )


@register("convolution.conv_param_count")
def check_conv_param_count(fn):
    for k, c_in, c_out in ((5, 1, 1), (5, 1, 20), (3, 3, 64), (5, 20, 50), (1, 8, 4)):
        weights = k * k * c_in * c_out
        hints = [
            (weights, "the biases are missing: one per filter (c_out of them)."),
            (k * k * c_out + c_out, "each filter has a k x k kernel for every input channel: multiply by c_in."),
            (weights + c_in * c_out, "one bias per filter, not per (input, output) channel pair."),
            (k * c_in * c_out + c_out, "a kernel has k * k weights, not k."),
            (2 * weights, "a filter has one bias, not one per weight."),
            (weights + 1, "each of the c_out filters has its own bias."),
        ]
        shown = f"conv_param_count({k}, {c_in}, {c_out})"
        _count(call(fn, k, c_in, c_out, name="conv_param_count"), shown, conv_param_count(k, c_in, c_out), hints)
