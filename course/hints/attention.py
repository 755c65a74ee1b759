"""Hints for notebook 07, attention and transformers."""

HINTS = {
    "scaled_dot_product_attention": (
        "Scores are Q times K transposed over the last two axes, divided by sqrt(d_k) (Q's last axis). Masked scores "
        "become -inf before a softmax over the keys (the last axis); the weights then multiply V.",
        "`scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])`, then `np.where(mask, scores, -np.inf)`, "
        "subtract `scores.max(axis=-1, keepdims=True)`, exponentiate, normalise, and return `(weights @ V, weights)`.",
    ),
    "causal_mask": (
        "Row t is a query at position t: it may see columns 0..t, itself included. That is the lower triangle.",
        "One line: `np.tril(np.ones((T, T), dtype=bool))`.",
    ),
    "positional_encoding": (
        "Column pairs (2i, 2i + 1) share one angle t / 10000^(2i/d): sine at the even column, cosine at the odd one. "
        "Build the angles for all t and i at once by broadcasting.",
        "`angles = np.arange(T)[:, None] / 10000 ** (np.arange(0, d, 2)[None] / d)`; then "
        "`pe[:, 0::2] = np.sin(angles)` and `pe[:, 1::2] = np.cos(angles)` in a `np.zeros((T, d))`.",
    ),
    "multi_head_attention": (
        "Project once (X @ Wq, X @ Wk, X @ Wv), then give head h the contiguous columns h*dk:(h+1)*dk of each, attend "
        "in every head with the same mask, concatenate the heads in order and project with Wo.",
        "In a loop over h: `cols = slice(h * dk, (h + 1) * dk)`, "
        "`scaled_dot_product_attention(Q[:, cols], K[:, cols], V[:, cols], mask)[0]`; then "
        "`np.concatenate(outputs, axis=1) @ Wo`.",
    ),
    "transformer_block": (
        "Pre-norm: each sub-layer reads a LayerNormalization of x and adds its result back onto x. Attention first "
        "(with use_causal_mask=True), then the feed-forward network Dense(d_ff, gelu), Dense(d_model).",
        "`h = LayerNormalization(epsilon=1e-5)(x)`, `x1 = Add()([x, MultiHeadAttention(heads, d_model // heads)(h, h, "
        "use_causal_mask=True)])`, then the same pattern with the two Dense layers, and `keras.Model(x, output)`.",
    ),
    "trained_model": (
        "A Keras model that maps windows of 100 character ids to 65 logits (or probabilities) at every position and "
        "scores 2.0 nats/char or less on the last 10 % of the text. The notebook's tiny GPT gets there with its full "
        "schedule; stopping early or a learning rate without warm-up leaves it above.",
        "Compile `gpt` with `compile_for_text(gpt, schedule)` (the CosineDecay with warm-up of the exercise), fit it "
        "for all 550 steps with `callbacks=[gpt_clock]`, then `trained_model = gpt` and "
        '`check(trained_model, "attention.trained_model")`.',
    ),
}
