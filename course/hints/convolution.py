"""Hints for notebook 03, convolution: output sizes, padding, a 2-D convolution, max pooling, a layer, parameters."""

HINTS = {
    "conv_output_size": (
        "'valid' counts the windows that fit, and the first one counts too: (n - k) // stride + 1, rounded down. "
        "'same' pads so that there are ceil(n / stride) outputs, whatever k is. Return an int: integer division, "
        "not /.",
        '`if padding == "same": return -(-n // stride)` (ceil in integers), else `return (n - k) // stride + 1`.',
    ),
    "pad": (
        "p zeros on both sides of the two spatial axes only: an (H, W, C) image becomes (H + 2p, W + 2p, C), its "
        "channel axis untouched. np.pad takes one (before, after) pair per axis and pads with zeros by default.",
        "`np.pad(image, [(p, p), (p, p)] + [(0, 0)] * (image.ndim - 2))`.",
    ),
    "conv2d": (
        "Cross-correlation, no flip: kernel[m, n] multiplies image[i + m, j + n], rows first. For 'same', pad first "
        "with same_padding (its amount depends on the stride, and the odd extra zero goes on the bottom/right), then "
        "count the windows of the padded image as 'valid'. Create the output with np.zeros((out_h, out_w)), floats: "
        "np.zeros_like of an integer image would drop the fractions.",
        "For 'same', `image = np.pad(image, [same_padding(H, k, stride), same_padding(W, k, stride)])`; then "
        '`out_h = conv_output_size(image.shape[0], k, "valid", stride)` and, in two loops, '
        "`out[i, j] = np.sum(image[i * stride : i * stride + k, j * stride : j * stride + k] * kernel)`.",
    ),
    "max_pool2d": (
        "Each size x size window, moved stride pixels at a time, keeps its largest value, channel by channel: "
        "(H, W, C) gives (H', W', C). A window that sticks out at the edge is dropped, (H - size) // stride + 1 per "
        "axis. Values can be negative, so a running maximum must not start from 0.",
        "`windows = sliding_window_view(np.asarray(x), (size, size), axis=(0, 1))[::stride, ::stride]`, then "
        "`windows.max(axis=(-2, -1))`.",
    ),
    "conv2d_layer": (
        "Treat one image as a batch of one (x[None]) and drop that axis at the end. Feature map o sums, over every "
        "input channel c, the cross-correlation with kernels[:, :, c, o] (no flip, no transpose), plus bias[o], "
        "no ReLU; channels stay last, (N, H', W', C_out). 'same' pads axes 1 and 2 with same_padding. No Python "
        "loop over images or pixels: take all the windows at once.",
        "`windows = sliding_window_view(batch, (k, k), axis=(1, 2))[:, ::stride, ::stride]` is "
        "(N, H', W', C_in, k, k); contract it with the kernels' first three axes: "
        "`np.tensordot(windows, kernels, axes=((4, 5, 3), (0, 1, 2))) + bias` "
        '(or `np.einsum("nhwcij,ijco->nhwo", windows, kernels) + bias`).',
    ),
    "conv_param_count": (
        "Each of the c_out filters has a k x k kernel for every one of the c_in input channels, plus one bias of its "
        "own: one per filter, not one per weight or per channel pair. Return an int.",
        "`k * k * c_in * c_out + c_out`.",
    ),
}
