"""The convolution checks pass the notebook's solution, reject the stub, and name typical mistakes."""

import conftest
import numpy as np
from conftest import notebook_function
from numpy.lib.stride_tricks import sliding_window_view

from course import grade
from course.references import convolution as ref

NOTEBOOK = "03_convolution.ipynb"
NAMES = ["conv_output_size", "pad", "conv2d", "max_pool2d", "conv2d_layer", "conv_param_count"]


def failing(exercise, answer, *phrases):
    return conftest.failing(exercise, answer, *phrases)


def test_references_equal_tensorflow():
    import tensorflow as tf

    rng = np.random.default_rng(0)
    for h, w, k, stride, padding in [
        (7, 9, 3, 1, "same"),
        (6, 7, 4, 2, "same"),
        (8, 8, 2, 3, "valid"),
        (9, 6, 5, 2, "same"),
    ]:
        x, kernels, bias = rng.normal(size=(2, h, w, 3)), rng.normal(size=(k, k, 3, 4)), rng.normal(size=4)
        theirs = tf.nn.conv2d(x, kernels, strides=stride, padding=padding.upper()).numpy() + bias
        np.testing.assert_allclose(ref.conv2d_layer(x, kernels, bias, stride, padding), theirs, atol=1e-10)
        ours = ref.conv2d(x[0, :, :, 0], kernels[:, :, 0, 0], stride, padding)
        np.testing.assert_allclose(
            ours, tf.nn.conv2d(x[:1, :, :, :1], kernels[:, :, :1, :1], stride, padding.upper())[0, :, :, 0]
        )
        assert ours.shape == tuple(ref.conv_output_size(n, k, padding, stride) for n in (h, w))
        x32 = x.astype("float32")
        np.testing.assert_array_equal(ref.max_pool2d(x32[0], k, stride), tf.nn.max_pool2d(x32, k, stride, "VALID")[0])


def test_conv_output_size_mistakes():
    failing("convolution.conv_output_size", lambda n, k, padding="valid", stride=1: n - k, "off by one")
    failing(
        "convolution.conv_output_size",
        lambda n, k, padding="valid", stride=1: (n - k) / stride + 1,
        "conv_output_size(28, 5) returned 24.0, a float",
    )
    failing(
        "convolution.conv_output_size",
        lambda n, k, padding="valid", stride=1: n // stride if padding == "same" else (n - k) // stride + 1,
        "conv_output_size(7, 3, 'same', 2) returned 3, expected 4: round up",
    )
    failing("convolution.conv_output_size", lambda n, k, padding="valid", stride=1: n - k + 1, "stride is ignored")


def test_pad_mistakes():
    failing("convolution.pad", lambda image, p: np.pad(image, p), "shape (6, 7, 6)", "channels must not grow")
    failing("convolution.pad", lambda image, p: np.pad(image, [(0, p), (0, p)]), "padding on one side only")
    failing("convolution.pad", lambda image, p: np.pad(image, [(p, p), (p, p)], mode="edge"), "not copies of the edge")


def solution(name):
    return notebook_function(NOTEBOOK, name)


def test_conv2d_mistakes():
    def flipped(image, kernel, stride=1, padding="valid"):
        return ref.conv2d(image, np.asarray(kernel)[::-1, ::-1], stride, padding)

    def loops(image, kernel, stride=1, padding="valid", extra=0, dtype=float, same=True):
        k = len(kernel)
        if padding == "same" and same:
            image = np.pad(image, [ref.same_padding(n, k, stride) for n in np.shape(image)])
        h, w = ((n - k) // stride + 1 - extra for n in np.shape(image))
        out = np.zeros((h, w), dtype=dtype)
        for i in range(h):
            for j in range(w):
                out[i, j] = np.sum(image[i * stride : i * stride + k, j * stride : j * stride + k] * kernel)
        return out

    def one_side(image, kernel, stride=1, padding="valid"):
        k = len(kernel)
        if padding == "same":
            image = np.pad(image, [(0, k - 1), (0, k - 1)])
        return ref.conv2d(image, kernel, stride)

    failing(
        "convolution.conv2d",
        flipped,
        "the kernel is flipped",
        "with image = course.checks.inputs.pattern((5, 6), 11, 2)",
    )
    failing(
        "convolution.conv2d", lambda im, k, s=1, p="valid": ref.conv2d(im, np.asarray(k).T, s, p), "axes are swapped"
    )
    failing("convolution.conv2d", lambda *a: loops(*a, extra=1), "off by one")
    failing("convolution.conv2d", lambda *a: loops(*a, dtype=int), "integer dtype")
    failing("convolution.conv2d", one_side, "padding on one side only", "padding='same'")
    failing(
        "convolution.conv2d",
        lambda im, k, s=1, p="valid": ref.conv2d(im, k, s, p, rule="extra_before"),
        "not on the top/left",
    )
    failing(
        "convolution.conv2d",
        lambda im, k, s=1, p="valid": ref.conv2d(im, k, s, p, rule="stride1"),
        "total = max((out - 1) * stride + k - n, 0)",
    )
    failing("convolution.conv2d", lambda im, k, s=1, p="valid": ref.conv2d(im, k, 1, p), "the stride is ignored")
    failing("convolution.conv2d", lambda im, k, s=1, p="valid": ref.conv2d(im, k, s, p).T, "output's axes are swapped")
    assert grade("convolution.conv2d", loops).passed
    failing(
        "convolution.conv2d", lambda *a: loops(*a, same=False), "returned shape (2, 3)", "padding='same' is ignored"
    )


def test_max_pool2d_mistakes():
    def average(x, size=2, stride=2):
        return ref.max_pool2d(x, size, stride, reduce=np.mean)

    def from_zero(x, size=2, stride=2):
        return np.maximum(ref.max_pool2d(x, size, stride), 0)

    def all_channels(x, size=2, stride=2):
        return ref.max_pool2d(x, size, stride).max(axis=-1) if np.ndim(x) == 3 else ref.max_pool2d(x, size, stride)

    failing("convolution.max_pool2d", average, "average pooling")
    failing("convolution.max_pool2d", from_zero, "window of negative numbers")
    failing(
        "convolution.max_pool2d", lambda x, size=2, stride=2: ref.max_pool2d(x, size, stride, partial=True), "dropped"
    )
    failing("convolution.max_pool2d", all_channels, "pool each channel on its own")
    failing("convolution.max_pool2d", lambda x, size=2, stride=2: ref.max_pool2d(x, size, size), "stride is ignored")


def test_conv2d_layer_mistakes():
    layer = ref.conv2d_layer
    failing("convolution.conv2d_layer", lambda x, K, b, s=1, p="valid": layer(x, K, 0 * b, s, p), "bias is missing")
    failing("convolution.conv2d_layer", lambda x, K, b, s=1, p="valid": layer(x, K, b, s, p, flip=True), "flipped")
    failing(
        "convolution.conv2d_layer",
        lambda x, K, b, s=1, p="valid": layer(x, np.swapaxes(K, 2, 3), b, s, p),
        "channel axes of the kernels are swapped",
    )
    failing("convolution.conv2d_layer", lambda x, K, b, s=1, p="valid": layer(x, K, b, s, p, relu=True), "no ReLU")
    failing(
        "convolution.conv2d_layer",
        lambda x, K, b, s=1, p="valid": np.moveaxis(layer(x, K, b, s, p), -1, -3),
        "channels go last",
    )
    failing(
        "convolution.conv2d_layer",
        lambda x, K, b, s=1, p="valid": layer(x, K, b, s, p, rule="before"),
        "padding on one side only",
    )
    failing(
        "convolution.conv2d_layer",
        lambda x, K, b, s=1, p="valid": layer(np.asarray(x)[None], K, b, s, p),
        "for one image",
    )


def test_conv2d_layer_must_be_vectorised():
    def per_image(x, kernels, bias, stride=1, padding="valid"):
        if np.ndim(x) == 3:
            return ref.conv2d_layer(x, kernels, bias, stride, padding)
        return np.stack([ref.conv2d_layer(image, kernels, bias, stride, padding) for image in x])

    def per_pixel(x, kernels, bias, stride=1, padding="valid"):
        batch = np.asarray(x) if np.ndim(x) == 4 else np.asarray(x)[None]
        if padding == "same":
            return ref.conv2d_layer(x, kernels, bias, stride, padding)
        k = len(kernels)
        windows = sliding_window_view(batch, (k, k), axis=(1, 2))[:, ::stride, ::stride]
        out = np.zeros((*windows.shape[:3], kernels.shape[-1]))
        for i in range(out.shape[1]):
            for j in range(out.shape[2]):
                out[:, i, j] = np.tensordot(windows[:, i, j], kernels, axes=([2, 3, 1], [0, 1, 2])) + bias
        return out if np.ndim(x) == 4 else out[0]

    failing(
        "convolution.conv2d_layer", per_image, "a batch of 128 images", "a Python loop over the images or the pixels"
    )
    failing("convolution.conv2d_layer", per_pixel, "a Python loop over the images or the pixels")

    def per_offset(x, kernels, bias, stride=1, padding="valid"):  # a loop over the k x k offsets is allowed
        if (stride, padding) != (1, "valid"):
            return ref.conv2d_layer(x, kernels, bias, stride, padding)
        x = np.asarray(x, dtype=float)
        k, h, w = len(kernels), x.shape[-3] - len(kernels) + 1, x.shape[-2] - len(kernels) + 1
        out = np.zeros((*x.shape[:-3], h, w, kernels.shape[-1]))
        for m in range(k):
            for n in range(k):
                out += x[..., m : m + h, n : n + w, :] @ kernels[m, n]
        return out + bias

    assert grade("convolution.conv2d_layer", per_offset).passed


def test_conv_param_count_mistakes():
    failing("convolution.conv_param_count", lambda k, c_in, c_out: k * k * c_in * c_out, "biases are missing")
    failing("convolution.conv_param_count", lambda k, c_in, c_out: k * k * c_out + c_out, "multiply by c_in")
    failing("convolution.conv_param_count", lambda k, c_in, c_out: k * c_in * c_out + c_out, "k * k weights")
    failing("convolution.conv_param_count", lambda k, c_in, c_out: float(k * k * c_in * c_out + c_out), "a float")


def test_wrong_types_never_crash_a_check():
    for name in NAMES:
        for answer in (lambda *a: None, lambda *a: "text", lambda *a: np.full((2, 2), np.nan), lambda *a: 1 / 0):
            result = grade(f"convolution.{name}", answer)
            assert not result.passed and "could not check" not in result.feedback, result.feedback


def test_conv2d_that_assumes_a_contiguous_image_is_named():
    """Strides computed from the shape fit a fresh array but not the float32 channel slices the notebook passes later."""
    from numpy.lib.stride_tricks import as_strided

    from course.references.convolution import same_padding

    def contiguous_only(image, kernel, stride=1, padding="valid"):
        image, kernel = np.asarray(image), np.asarray(kernel, dtype=float)
        k = kernel.shape[0]
        if padding == "same":
            image = np.pad(image, [same_padding(image.shape[0], k, stride), same_padding(image.shape[1], k, stride)])
        (H, W), size = image.shape, image.itemsize
        shape = ((H - k) // stride + 1, (W - k) // stride + 1, k, k)
        windows = as_strided(image, shape, (stride * W * size, stride * size, W * size, size))
        return np.einsum("ijmn,mn->ij", windows, kernel)

    failing("convolution.conv2d", contiguous_only, "float32 channel slices", "contiguous array")
