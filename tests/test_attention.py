"""The attention checks name each typical mistake of notebook 07; the references agree with Keras."""

import numpy as np
import pytest
from conftest import failing

from course import grade
from course.references import attention as ref


def softmax(z, axis=-1):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def keras_mha(X, W, heads, mask=None):
    import keras

    d = X.shape[1]
    layer = keras.layers.MultiHeadAttention(heads, d // heads)
    x = X[None].astype("float32")
    layer(x, x)
    zeros = np.zeros((heads, d // heads))
    Wq, Wk, Wv, Wo = W
    layer.set_weights(
        [Wq.reshape(d, heads, -1), zeros, Wk.reshape(d, heads, -1), zeros, Wv.reshape(d, heads, -1), zeros]
        + [Wo.reshape(heads, -1, d), np.zeros(d)]
    )
    return layer(x, x, attention_mask=None if mask is None else mask[None]).numpy()[0]


def test_references_equal_keras():
    rng = np.random.default_rng(0)
    X, W = rng.normal(size=(6, 8)), rng.normal(size=(4, 8, 8)) * 0.5
    for mask in (None, ref.causal_mask(6)):
        ours = ref.multi_head_attention(X, *W, heads=2, mask=mask)
        np.testing.assert_allclose(ours, keras_mha(X, W, 2, mask), atol=1e-5)
    block = ref.transformer_block(16, 4, 32)
    assert block.count_params() == ref.block_parameters(16, 4, 32)
    assert grade("attention.transformer_block", ref.transformer_block).passed


def attention_with(scale=None, axis=-1, mask_how="before", values="V", transpose=False, stable=True):
    def attention(Q, K, V, mask=None):
        scores = Q @ np.swapaxes(K, -1, -2)
        scores = scores / (np.sqrt(Q.shape[-1]) if scale is None else scale(Q, V))
        if transpose:
            scores = np.swapaxes(scores, -1, -2)
        if mask is not None and mask_how == "before":
            scores = np.where(mask, scores, -1e9)
        if mask is not None and mask_how == "inverted":
            scores = np.where(mask, -1e9, scores)
        if mask is not None and mask_how == "zeroed":
            scores = scores * mask
        if stable:
            weights = softmax(scores, axis)
        else:
            e = np.exp(scores)
            weights = e / e.sum(axis=axis, keepdims=True)
        if mask is not None and mask_how == "after":
            weights = weights * mask
        return weights @ (V if values == "V" else K), weights

    return attention


def test_scaled_dot_product_attention_mistakes():
    exercise = "attention.scaled_dot_product_attention"
    assert grade(exercise, attention_with()).passed
    failing(exercise, attention_with(scale=lambda Q, V: 1.0), "not scaled")
    failing(exercise, attention_with(scale=lambda Q, V: Q.shape[-1]), "divided by d_k")
    failing(exercise, attention_with(scale=lambda Q, V: np.sqrt(V.shape[-1])), "divided by sqrt(d_v)")
    failing(exercise, attention_with(axis=-2), "softmax runs over the queries")
    failing(exercise, attention_with(mask_how="inverted"), "mask is inverted")
    failing(exercise, attention_with(mask_how="ignored"), "mask is ignored")
    failing(exercise, attention_with(mask_how="after"), "applied after the softmax")
    failing(exercise, attention_with(mask_how="zeroed"), "set them to -inf")
    failing(exercise, attention_with(transpose=True), "weights are transposed")
    failing(exercise, attention_with(values="K"), "weighted sum of the values")
    failing(exercise, attention_with(stable=False), "overflow")

    def returns_transposed_weights(Q, K, V, mask=None):
        out, weights = ref.scaled_dot_product_attention(Q, K, V, mask)
        return np.swapaxes(weights, -1, -2) @ V, np.swapaxes(weights, -1, -2)

    failing(exercise, returns_transposed_weights, "weights are transposed")
    failing(
        exercise, lambda Q, K, V, mask=None: ref.scaled_dot_product_attention(Q, K, V, mask)[0], "(output, weights)"
    )


def test_causal_mask_mistakes():
    exercise = "attention.causal_mask"
    failing(exercise, lambda T: np.triu(np.ones((T, T), bool)), "upper triangle")
    failing(exercise, lambda T: ~np.tril(np.ones((T, T), bool)), "inverted")
    failing(exercise, lambda T: np.tril(np.ones((T, T), bool), -1), "diagonal is excluded")
    failing(exercise, lambda T: np.tril(np.ones((T, T))), "booleans")


def encoding_with(layout="interleaved", exponent=lambda i, d: 2 * i / d, swap=False, first=0):
    def positional_encoding(T, d):
        t = np.arange(first, first + T)[:, None]
        i = np.arange(d // 2)[None]
        angles = t / 10000 ** exponent(i, d)
        sin, cos = (np.cos(angles), np.sin(angles)) if swap else (np.sin(angles), np.cos(angles))
        if layout == "halves":
            return np.concatenate([sin, cos], axis=1)
        pe = np.zeros((T, d))
        pe[:, 0::2], pe[:, 1::2] = sin, cos
        return pe

    return positional_encoding


def test_positional_encoding_mistakes():
    exercise = "attention.positional_encoding"
    assert grade(exercise, encoding_with()).passed
    failing(exercise, encoding_with(swap=True), "sin and cos are swapped")
    failing(exercise, encoding_with(layout="halves"), "sin half, then cos half", "TensorFlow tutorial")
    failing(exercise, encoding_with(exponent=lambda i, d: i / d), "2i/d, not i/d")
    failing(exercise, encoding_with(first=1), "positions start at t = 0")

    def column_index(T, d):  # the exponent from the column k itself: 2i for sin, 2i + 1 for cos
        k = np.arange(d)[None]
        angles = np.arange(T)[:, None] / 10000 ** (k / d)
        return np.where(k % 2 == 0, np.sin(angles), np.cos(angles))

    failing(exercise, column_index, "shares one frequency")
    failing(exercise, lambda T, d: ref.positional_encoding(d, T).T, "transposed")


def mha_with(columns="blocks", project=True, heads_used=None, scale="dk"):
    def multi_head_attention(X, Wq, Wk, Wv, Wo, heads, mask=None):
        Q, K, V = X @ Wq, X @ Wk, X @ Wv
        n = heads if heads_used is None else heads_used
        dk = Q.shape[1] // n
        outs = []
        for h in range(n):
            cols = slice(h, None, n) if columns == "interleaved" else slice(h * dk, (h + 1) * dk)
            scores = Q[:, cols] @ K[:, cols].T / np.sqrt(dk if scale == "dk" else Q.shape[1])
            if mask is not None:
                scores = np.where(mask, scores, -np.inf)
            outs.append(softmax(scores) @ V[:, cols])
        concat = np.concatenate(outs, axis=1)
        return concat @ Wo if project else concat

    return multi_head_attention


def test_multi_head_attention_mistakes():
    exercise = "attention.multi_head_attention"
    assert grade(exercise, mha_with()).passed
    failing(exercise, mha_with(columns="interleaved"), "contiguous block")
    failing(exercise, mha_with(project=False), "output projection is missing")
    failing(exercise, mha_with(heads_used=1), "one head over all d_model columns")
    failing(exercise, mha_with(scale="d_model"), "d_k = d_model // heads")

    def reversed_heads(X, Wq, Wk, Wv, Wo, heads, mask=None):
        dk = Wq.shape[1] // heads
        outs = [
            ref.scaled_dot_product_attention(*(X @ W[:, h * dk : (h + 1) * dk] for W in (Wq, Wk, Wv)), mask)[0]
            for h in reversed(range(heads))
        ]
        return np.concatenate(outs, axis=1) @ Wo

    failing(exercise, reversed_heads, "concatenated in reverse")

    def mask_ignored(X, Wq, Wk, Wv, Wo, heads, mask=None):
        return ref.multi_head_attention(X, Wq, Wk, Wv, Wo, heads)

    failing(exercise, mask_ignored, "mask is ignored")


def block_with(causal=True, residual=True, norm="pre", ffn=True, key_dim=None, d_ff=None, length=None):
    """A learner's transformer block, written out with the functional API, with one mistake switched on."""

    def transformer_block(d_model, heads, d_ff_arg):
        import keras

        layers = keras.layers
        x = keras.Input((length, d_model))
        h = layers.LayerNormalization()(x) if norm in ("pre", "attention only") else x
        h = layers.MultiHeadAttention(heads, key_dim or d_model // heads)(h, h, use_causal_mask=causal)
        x1 = layers.Add()([x, h]) if residual else h
        x1 = layers.LayerNormalization()(x1) if norm == "post" else x1
        if not ffn:
            return keras.Model(x, x1)
        h = layers.LayerNormalization()(x1) if norm == "pre" else x1
        h = layers.Dense(d_ff or d_ff_arg, activation="relu")(h)
        h = layers.Dense(d_model)(h)
        out = layers.Add()([x1, h]) if residual else h
        out = layers.LayerNormalization()(out) if norm == "post" else out
        return keras.Model(x, out)

    return transformer_block


@pytest.mark.parametrize(
    "switch, phrase",
    [
        ({"causal": False}, "sees the future"),
        ({"norm": "post"}, "post-norm"),
        ({"residual": False}, "residual connections"),
        ({"ffn": False}, "feed-forward network is missing"),
        ({"d_ff": 64}, "d_ff is ignored"),
        ({"key_dim": 16}, "key_dim is d_model // heads"),
        ({"norm": "none"}, "LayerNormalization layers are missing"),
        ({"norm": "attention only"}, "one LayerNormalization is missing"),
        ({"length": 6}, "takes any length"),  # the check's own length: the GPT feeds windows of 100
    ],
)
def test_transformer_block_mistakes(switch, phrase):
    failing("attention.transformer_block", block_with(**switch), phrase)


def test_a_correct_block_written_differently_passes():
    assert grade("attention.transformer_block", block_with()).passed


def test_trained_model_is_scored_on_the_validation_text():
    import keras

    model = keras.Sequential([keras.Input((ref.SEQ_LEN,), dtype="int32"), keras.layers.Embedding(65, 65)])
    failing("attention.trained_model", model, "looks untrained")
    counts = np.bincount(ref.shakespeare_validation()[1].ravel(), minlength=65) + 1.0
    unigram = keras.Sequential([keras.Input((ref.SEQ_LEN,), dtype="int32"), keras.layers.Embedding(65, 65)])
    unigram.layers[0].set_weights([np.tile(np.log(counts / counts.sum()), (65, 1))])
    failing("attention.trained_model", unigram, "2.0 or less is needed")
    probabilities = keras.Sequential(
        [keras.Input((ref.SEQ_LEN,), dtype="int32"), *unigram.layers, keras.layers.Softmax()]
    )
    result = failing("attention.trained_model", probabilities, "2.0 or less is needed")
    assert result.feedback == grade("attention.trained_model", unigram).feedback
    failing("attention.trained_model", "a model", "expected a Keras model")
    short = keras.Sequential([keras.Input((64,), dtype="int32"), keras.layers.Embedding(65, 65)])
    failing("attention.trained_model", short, "expected windows of ids, (None, 100)")


def test_a_block_loaded_as_the_grader_loads_it_stays_causal_and_passes(tmp_path):
    """The batch grader gets the learner's block as a `.keras` file loaded with safe_mode=True: the mask survives."""
    from course.grader.remote import load_model

    def loaded(d_model, heads, d_ff):
        path = tmp_path / f"block-{d_model}.keras"
        ref.transformer_block(d_model, heads, d_ff).save(path)
        return load_model(path)

    assert grade("attention.transformer_block", loaded).passed


def test_a_block_written_as_a_layer_subclass_is_named():
    """The notebook later finds the block among the GPT's layers as a keras.Model and reads its layers: a Layer
    subclass (keras.io's TransformerBlock) would pass the block's tests and crash there."""
    import keras

    class Block(keras.layers.Layer):
        def __init__(self, d_model, heads, d_ff):
            super().__init__()
            self.norm1, self.norm2 = keras.layers.LayerNormalization(), keras.layers.LayerNormalization()
            self.attention = keras.layers.MultiHeadAttention(heads, d_model // heads)
            self.hidden, self.out = keras.layers.Dense(d_ff, activation="relu"), keras.layers.Dense(d_model)

        def call(self, x):
            h = self.norm1(x)
            x = x + self.attention(h, h, use_causal_mask=True)
            return x + self.out(self.hidden(self.norm2(x)))

    failing("attention.transformer_block", Block, "a Keras layer but not a keras.Model", "keras.Model(x, ...)")


def test_a_positional_encoding_built_with_tensorflow_is_named():
    """Right values as a tf.Tensor pass the value checks; the GPT then calls .astype("float32") on it."""
    import tensorflow as tf

    def with_tf(T, d):
        return tf.constant(ref.positional_encoding(T, d))

    failing("attention.positional_encoding", with_tf, "not a NumPy array", '.astype("float32")')
