"""Hints for notebook 07, attention and transformers: attention, the causal mask, positions, heads, a block."""

HINTS = {
    "scaled_dot_product_attention": (
        "The scores Q Kᵀ / sqrt(d_k) have shape (..., Tq, Tk): transpose only K's last two axes, so that a batch axis "
        "works, and scale by the square root of Q's last axis (not d_k itself, not d_v). Where mask is False set the "
        "score to -inf before the softmax (True = may attend); the softmax runs over the keys, the last axis, after "
        "subtracting each row's maximum. Return (weights @ V, weights).",
        "`scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])`; "
        "`if mask is not None: scores = np.where(mask, scores, -np.inf)`; then a stable softmax over `axis=-1` and "
        "`return weights @ V, weights`.",
    ),
    "causal_mask": (
        "Row t is a query position, and it may attend to the columns 0 to t: True on and below the diagonal, the "
        "diagonal included, False above it. Return booleans of shape (T, T), not 0/1 numbers.",
        "The lower triangle of a boolean matrix of ones: `np.tril(np.ones((T, T), dtype=bool))`.",
    ),
    "positional_encoding": (
        "Rows are positions t = 0 to T - 1, columns the d dimensions. The columns 2i and 2i + 1 share one frequency, "
        "1 / 10000^(2i/d): sin at the even column, cos at the odd one, interleaved (not all the sines, then all the "
        "cosines, as the TensorFlow tutorial lays them out), and the exponent is 2i/d, not i/d.",
        "`angles = np.arange(T)[:, None] / 10000 ** (np.arange(0, d, 2)[None] / d)`; in `pe = np.zeros((T, d))` "
        "set `pe[:, 0::2] = np.sin(angles)` and `pe[:, 1::2] = np.cos(angles)`.",
    ),
    "multi_head_attention": (
        "Project once, Q = X Wq, K = X Wk, V = X Wv; head h takes the contiguous block of columns h*dk:(h+1)*dk with "
        "dk = d_model // heads (not every heads-th column) and runs scaled dot-product attention on it, with the mask "
        "and scaled by sqrt(dk), not sqrt(d_model). Concatenate the heads in order, head 0 first, and finish with "
        "the output projection Wo.",
        "With `dk = Wq.shape[1] // heads`, head h is `cols = slice(h * dk, (h + 1) * dk)` and "
        "`scaled_dot_product_attention(Q[:, cols], K[:, cols], V[:, cols], mask)[0]`; collect the heads in a list "
        "`outs` and return `np.concatenate(outs, axis=-1) @ Wo`.",
    ),
    "transformer_block": (
        "Pre-norm and causal, with two residual connections: x + attention(LayerNorm(x)), then x + FFN(LayerNorm(x)), "
        "where the FFN is Dense(d_ff) with an activation, then Dense(d_model), and each head's key_dim is "
        "d_model // heads. Normalise each sub-layer's input, not the sum after the addition (that is post-norm), and "
        "give the attention the causal mask: without it the output at t changes when the inputs after t change.",
        "On `x = keras.Input((None, d_model))`: `h = keras.layers.LayerNormalization()(x)`, "
        "`h = keras.layers.MultiHeadAttention(heads, d_model // heads)(h, h, use_causal_mask=True)`, "
        '`x1 = keras.layers.Add()([x, h])`; then the same pattern on x1 with `Dense(d_ff, activation="gelu")` '
        "and `Dense(d_model)`, and `keras.Model(x, ...)`.",
    ),
}
