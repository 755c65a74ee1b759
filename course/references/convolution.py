"""Convolution and pooling in NumPy, computed as TensorFlow computes them: the reference answers of notebook 03.

Keyword switches (flip, swap, rule, relu, reduce, partial) give the typical wrong variants the checks recognise.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv_output_size(n, k, padding="valid", stride=1):
    """Outputs along an axis of length n for a kernel of size k."""
    return -(-n // stride) if padding == "same" else (n - k) // stride + 1


def same_padding(n, k, stride=1):
    """(before, after) zeros of TensorFlow's 'same' padding: the odd extra one goes after (bottom/right)."""
    total = max((conv_output_size(n, k, "same", stride) - 1) * stride + k - n, 0)
    return total // 2, total - total // 2


def pad(image, p):
    """Zero padding of p on every side of the two spatial axes."""
    image = np.asarray(image)
    return np.pad(image, [(p, p), (p, p)] + [(0, 0)] * (image.ndim - 2))


def _padding(n, k, stride, rule):
    """(before, after) padding of one axis by TensorFlow's rule ("tf") or a typical wrong one."""
    if rule == "stride1":  # computed as if the stride were 1
        return same_padding(n, k, 1)
    before, after = same_padding(n, k, stride)
    rules = {"tf": (before, after), "extra_before": (after, before), "before": (before + after, 0)}
    return rules.get(rule, (0, before + after) if rule == "after" else (k // 2, k // 2))  # else "symmetric"


def conv2d_layer(x, kernels, bias, stride=1, padding="valid", *, flip=False, swap=False, rule="tf", relu=False):
    """Cross-correlation of (H, W, C) or (N, H, W, C) with (k, k, C, O) kernels, plus bias; flags make wrong variants."""
    x, kernels = np.asarray(x, dtype=float), np.asarray(kernels, dtype=float)
    batch = x if x.ndim == 4 else x[None]
    kernels = kernels[::-1, ::-1] if flip else kernels
    kernels = kernels.transpose(1, 0, 2, 3) if swap else kernels
    kh, kw = kernels.shape[:2]
    if padding == "same":
        rows, cols = _padding(batch.shape[1], kh, stride, rule), _padding(batch.shape[2], kw, stride, rule)
        batch = np.pad(batch, [(0, 0), rows, cols, (0, 0)])
    windows = sliding_window_view(batch, (kh, kw), axis=(1, 2))[:, ::stride, ::stride]  # (N, H', W', C, kh, kw)
    out = np.tensordot(windows, kernels, axes=((4, 5, 3), (0, 1, 2))) + np.asarray(bias, dtype=float)
    out = np.maximum(out, 0) if relu else out
    return out if x.ndim == 4 else out[0]


def conv2d(image, kernel, stride=1, padding="valid", **variant):
    """Single-channel cross-correlation of (H, W) with (k, k)."""
    kernel = np.asarray(kernel, dtype=float)[:, :, None, None]
    return conv2d_layer(np.asarray(image)[:, :, None], kernel, np.zeros(1), stride, padding, **variant)[:, :, 0]


def max_pool2d(x, size=2, stride=2, *, reduce=np.max, partial=False):
    """Pooling of the first two axes; `partial` also pools incomplete windows at the edges (a wrong variant)."""
    x = np.asarray(x, dtype=float)
    if partial:
        extra = [max(-(-(n - size) // stride) * stride + size - n, 0) for n in x.shape[:2]]
        x = np.pad(x, [(0, extra[0]), (0, extra[1])] + [(0, 0)] * (x.ndim - 2), constant_values=np.nan)
        reduce = np.nanmax
    windows = sliding_window_view(x, (size, size), axis=(0, 1))[::stride, ::stride]  # (H', W', [C,] size, size)
    return reduce(windows, axis=(-2, -1))


def conv_param_count(k, c_in, c_out):
    """Weights plus biases of a conv layer."""
    return k * k * c_in * c_out + c_out
