"""Reference answers of notebook 07, attention and transformers, and the typical wrong answers its checks recognise."""

from functools import cache

import numpy as np

SEQ_LEN = 100  # characters per window, as notebook 06's GRU


def softmax(z, axis=-1):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def scaled_dot_product_attention(Q, K, V, mask=None):
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)  # True = may attend
    weights = softmax(scores, axis=-1)
    return weights @ V, weights


def causal_mask(T):
    return np.tril(np.ones((T, T), dtype=bool))


def positional_encoding(T, d):
    angles = np.arange(T)[:, None] / 10000 ** (np.arange(0, d, 2)[None] / d)  # t / 10000^(2i/d)
    pe = np.zeros((T, d))
    pe[:, 0::2], pe[:, 1::2] = np.sin(angles), np.cos(angles[:, : d // 2])
    return pe


def multi_head_attention(X, Wq, Wk, Wv, Wo, heads, mask=None):
    Q, K, V = X @ Wq, X @ Wk, X @ Wv
    dk = Wq.shape[1] // heads
    outputs = [
        scaled_dot_product_attention(Q[:, cols], K[:, cols], V[:, cols], mask)[0]
        for cols in (slice(h * dk, (h + 1) * dk) for h in range(heads))
    ]
    return np.concatenate(outputs, axis=-1) @ Wo


def transformer_block(d_model, heads, d_ff):
    """A pre-norm GPT block: x + attention(LayerNorm(x)) with a causal mask, then x + FFN(LayerNorm(x))."""
    import keras

    layers = keras.layers
    x = keras.Input((None, d_model))
    h = layers.LayerNormalization(epsilon=1e-5)(x)
    h = layers.MultiHeadAttention(heads, d_model // heads)(h, h, use_causal_mask=True)
    x1 = layers.Add()([x, h])
    h = layers.LayerNormalization(epsilon=1e-5)(x1)
    h = layers.Dense(d_ff, activation="gelu")(h)
    h = layers.Dense(d_model)(h)
    return keras.Model(x, layers.Add()([x1, h]))


def block_parameters(d_model, heads, d_ff, key_dim=None, ffn=True, norms=2):
    """The parameter count of a transformer block built like `transformer_block` (variants by keyword)."""
    key_dim = d_model // heads if key_dim is None else key_dim
    attention = 3 * (d_model * heads * key_dim + heads * key_dim) + heads * key_dim * d_model + d_model
    feed_forward = 2 * d_model * d_ff + d_ff + d_model if ffn else 0
    return attention + feed_forward + norms * 2 * d_model


@cache
def shakespeare_validation():
    """Notebook 06's validation windows: the last 10 % of tiny Shakespeare cut into windows of 100 characters."""
    from course.data import load_shakespeare

    text = load_shakespeare()
    char_to_id = {c: i for i, c in enumerate(sorted(set(text)))}
    ids = np.array([char_to_id[c] for c in text], dtype="int32")
    val_ids = ids[int(0.9 * len(ids)) :]
    n = (len(val_ids) - 1) // SEQ_LEN
    return val_ids[: n * SEQ_LEN].reshape(n, SEQ_LEN), val_ids[1 : n * SEQ_LEN + 1].reshape(n, SEQ_LEN)


# Typical wrong answers, named by the mistake; the checks compare a learner's output with theirs.


def _attend(Q, K, V, mask, scale=None, axis=-1, how="before", values=None, transpose=False):
    scores = Q @ np.swapaxes(K, -1, -2) / (np.sqrt(Q.shape[-1]) if scale is None else scale)
    if transpose:
        scores = np.swapaxes(scores, -1, -2)
    if mask is not None and how == "inverted":
        scores = np.where(mask, -np.inf, scores)
    elif mask is not None and how == "zeroed":
        scores = np.where(mask, scores, 0.0)
    elif mask is not None and how == "before":
        scores = np.where(mask, scores, -np.inf)
    weights = softmax(scores, axis=axis)
    if mask is not None and how == "after":
        weights = np.where(mask, weights, 0.0)
    return weights @ (V if values is None else values), weights


def attention_variants(Q, K, V, mask=None):
    """Each wrong attention, as (output, weights), with its message (NaN where a variant masks a whole row)."""
    with np.errstate(all="ignore"):
        return _attention_variants(Q, K, V, mask)


def _attention_variants(Q, K, V, mask):
    dk, dv = Q.shape[-1], V.shape[-1]
    wrong = [
        (_attend(Q, K, V, mask, scale=1.0), "the scores are not scaled: divide Q Kᵀ by sqrt(d_k)."),
        (_attend(Q, K, V, mask, scale=dk), "you divided by d_k; divide the scores by sqrt(d_k)."),
        (_attend(Q, K, V, mask, scale=np.sqrt(dv)), "you divided by sqrt(d_v); the scale is sqrt(d_k), Q's last axis."),
        (_attend(Q, K, V, mask, axis=-2), "the softmax runs over the queries; take it over the keys (the last axis)."),
        (_attend(Q, K, V, mask, values=K), "the output mixes K; it is the weighted sum of the values, weights @ V."),
    ]
    if Q.shape[-2] == K.shape[-2]:
        out, weights = scaled_dot_product_attention(Q, K, V, mask)
        flipped = np.swapaxes(weights, -1, -2)
        message = "the weights are transposed: scores = Q Kᵀ, shape (Tq, Tk), not K Qᵀ."
        wrong += [(_attend(Q, K, V, mask, transpose=True), message), ((flipped @ V, flipped), message)]
    if mask is not None:
        wrong += [
            (_attend(Q, K, V, mask, how="inverted"), "the mask is inverted: True means may attend."),
            (_attend(Q, K, V, None), "the mask is ignored: set the scores where mask is False to -inf."),
            (
                _attend(Q, K, V, mask, how="after"),
                "the mask is applied after the softmax, so the weights no longer sum to 1: mask the scores before.",
            ),
            (_attend(Q, K, V, mask, how="zeroed"), "masked scores set to 0 still get weight; set them to -inf."),
        ]
    return wrong


def positional_variants(T, d):
    t, i = np.arange(T)[:, None], np.arange(d // 2)[None]
    correct = positional_encoding(T, d)

    def interleave(even, odd):
        pe = np.zeros((T, d))
        pe[:, 0::2], pe[:, 1::2] = even, odd
        return pe

    angles = t / 10000 ** (2 * i / d)
    odd_columns = t / 10000 ** ((2 * i + 1) / d)
    return [
        (interleave(np.cos(angles), np.sin(angles)), "sin and cos are swapped: sin at even columns 2i, cos at 2i+1."),
        (
            np.concatenate([np.sin(angles), np.cos(angles)], axis=1),
            "that is the 'sin half, then cos half' layout of the TensorFlow tutorial; Vaswani et al. interleave: "
            "sin at columns 0, 2, 4, ..., cos at 1, 3, 5, ...",
        ),
        (interleave(np.sin(t / 10000 ** (i / d)), np.cos(t / 10000 ** (i / d))), "the exponent is 2i/d, not i/d."),
        (
            interleave(np.sin(angles), np.cos(odd_columns)),
            "the pair (2i, 2i+1) shares one frequency: use 2i/d for both.",
        ),
        (positional_encoding(T + 1, d)[1:], "positions start at t = 0 (the first row is sin 0 = 0, cos 0 = 1)."),
        (correct.T if T == d else None, "the encoding is transposed: rows are positions t, columns dimensions."),
    ]


def mha_variants(X, Wq, Wk, Wv, Wo, heads, mask=None):
    Q, K, V = X @ Wq, X @ Wk, X @ Wv
    d = Wq.shape[1]
    dk = d // heads

    def heads_of(columns, scale=None, project=True):
        outs = [_attend(Q[:, c], K[:, c], V[:, c], mask, scale=scale)[0] for c in columns]
        concat = np.concatenate(outs, axis=-1)
        return concat @ Wo if project else concat

    blocks = [slice(h * dk, (h + 1) * dk) for h in range(heads)]
    interleaved = [slice(h, None, heads) for h in range(heads)]
    wrong = [
        (heads_of(interleaved), "head h takes columns h*dk:(h+1)*dk, a contiguous block, not every heads-th column."),
        (heads_of(blocks, project=False), "the output projection is missing: concatenate the heads, then @ Wo."),
        (heads_of([slice(None)]), "that is one head over all d_model columns; split them into `heads` heads."),
        (heads_of(blocks, scale=np.sqrt(d)), "each head scales by sqrt(d_k) with d_k = d_model // heads."),
        (heads_of(blocks[::-1]), "the heads are concatenated in reverse; keep head 0 first."),
    ]
    if mask is not None:
        wrong.append((multi_head_attention(X, Wq, Wk, Wv, Wo, heads), "the mask is ignored: pass it to every head."))
    return wrong
