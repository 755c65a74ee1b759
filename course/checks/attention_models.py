"""Checks of notebook 07's Keras exercises: a causal pre-norm transformer block, and the learner's trained tiny GPT."""

import numpy as np

from course.checks.kit import Described, Mistake, Raised, WrongShape, WrongType, array, call, model_of
from course.grading.registry import register
from course.references import attention as ref


def block_shape(fn, d_model, heads, d_ff):
    """The learner's block, built and run on a small batch: the block and its output shape (or a Mistake)."""
    import keras

    shown = f"transformer_block({d_model}, {heads}, {d_ff})"
    block = call(fn, d_model, heads, d_ff, shown=shown)
    if block is None:
        raise Mistake(f"{shown} returned None: did you forget `return`?")
    if isinstance(block, keras.layers.Layer) and not isinstance(block, keras.Model):
        raise WrongType(
            f"{shown} returned a {type(block).__name__}, a Keras layer but not a keras.Model: build it on "
            "x = keras.Input((None, d_model)) and return keras.Model(x, ...); the notebook later finds the block "
            "among the GPT's layers as a keras.Model and looks into its layers.",
            "a layer, not a keras.Model",
        )
    if not isinstance(block, keras.Model):
        raise WrongType(f"{shown} returned {type(block).__name__}; expected a keras.Model built from Keras layers.")
    return block, shown


def run_block(block, shown, X):
    """The block's output on the float32 batch `X` as a NumPy array, run under the limits."""
    return array(call(lambda b, x: np.asarray(b(x)), block, X, shown=f"{shown} on {X.shape}"), shown)


@register("attention.transformer_block")
def check_transformer_block(fn):
    for d_model, heads, d_ff in ((16, 4, 32), (12, 3, 48)):
        block, shown = block_shape(fn, d_model, heads, d_ff)
        rng = np.random.default_rng(d_model)
        X = rng.normal(size=(2, 6, d_model)).astype("float32")
        out = run_block(block, shown, X)
        if out.shape != X.shape:
            raise WrongShape(f"{shown} maps a batch of shape {X.shape} to {out.shape}; it must keep the shape.")
        _check_any_length(block, shown, rng.normal(size=(1, 100, d_model)).astype("float32"))
        later = X.copy()
        later[:, 3:] = rng.normal(size=(2, 3, d_model))
        changed = np.abs(run_block(block, shown, later)[:, :3] - out[:, :3]).max()
        if changed > 1e-4:
            raise Mistake(
                f"{shown} sees the future: its outputs at positions 0-2 changed by {changed:.2g} when only the "
                "inputs at positions 3-5 changed. Pass use_causal_mask=True to the attention.",
                "sees the future",
            )
        count = call(lambda b: int(b.count_params()), block, shown=f"reading {shown}")
        _expect_parameters(shown, count, d_model, heads, d_ff)
        shifted = run_block(block, shown, 5 + 3 * X)
        centred = np.abs(shifted.mean(axis=-1)).max() < 1e-2 and np.abs(shifted.std(axis=-1) - 1).max() < 0.05
        if centred:
            raise Mistake(
                f"{shown} returns layer-normalised rows (mean 0, std 1 at every position): that is post-norm. "
                "Normalise the input of each sub-layer instead: x + attention(LayerNorm(x)), x + FFN(LayerNorm(x)).",
                "post-norm",
            )
        large = 100 * X
        drift = np.linalg.norm(run_block(block, shown, large) - large) / np.linalg.norm(large)
        if drift > 0.2:
            raise Mistake(
                f"{shown}'s output does not carry its input: for inputs of size ~100 the output differs from them "
                f"by {drift:.0%}. Add the residual connections x = x + attention(...) and x = x + FFN(...).",
                "no residual",
            )


def _check_any_length(block, shown, X):
    """The block on one window of 100 positions, as the notebook calls it and feeds it the GPT's windows."""
    try:
        out = run_block(block, shown, X)
    except Raised as e:
        raise Mistake(
            f"{e} Build the block on keras.Input((None, d_model)) so that it takes any length: the GPT below feeds "
            "it windows of 100 characters.",
            "a fixed sequence length",
        ) from None
    if out.shape != X.shape:
        raise WrongShape(f"{shown} maps a batch of shape {X.shape} to {out.shape}; it must keep the shape.")


def _expect_parameters(shown, count, d_model, heads, d_ff):
    expected = ref.block_parameters(d_model, heads, d_ff)
    if count == expected:
        return
    hints = {
        ref.block_parameters(d_model, heads, d_ff, ffn=False): "the feed-forward network is missing",
        ref.block_parameters(d_model, heads, d_ff, ffn=False, norms=1): "the feed-forward network is missing",
        ref.block_parameters(d_model, heads, 4 * d_model): "d_ff is ignored: its hidden layer has d_ff units",
        ref.block_parameters(d_model, heads, d_ff, key_dim=d_model): "each head's key_dim is d_model // heads",
        ref.block_parameters(d_model, heads, d_ff, norms=0): "the two LayerNormalization layers are missing",
        ref.block_parameters(d_model, heads, d_ff, norms=1): "one LayerNormalization is missing: one per sub-layer",
    }
    hint = hints.get(count)
    message = f"{shown} has {count:,} parameters; the pre-norm block has {expected:,}"
    raise Mistake(f"{message}: {hint}." if hint else f"{message} (attention, 2 LayerNorms, Dense(d_ff), Dense).", hint)


CHUNK = 160  # validation windows per call: each call stays well under the time limit on a slow laptop


def validation_loss(model) -> float:
    """Cross-entropy in nats/char of the model's next-character predictions on notebook 06's validation windows.

    The model's outputs may be logits or probabilities (rows of non-negative numbers summing to 1).
    """
    X_val, Y_val = ref.shakespeare_validation()
    total = 0.0
    for start in range(0, len(X_val), CHUNK):
        stop = min(start + CHUNK, len(X_val))
        windows = Described(X_val[start:stop], f"validation windows {start} to {stop - 1}")
        shown = f"trained_model.predict(validation windows {start} to {stop - 1})"
        scores = call(lambda m, x: m.predict(x, batch_size=CHUNK, verbose=0), model, windows, shown=shown)
        scores = array(scores, shown, shape=(stop - start, ref.SEQ_LEN, 65)).astype(float)
        probabilities = np.all(scores >= 0) and np.allclose(scores.sum(axis=-1), 1, atol=1e-3)
        if probabilities:
            log_p = np.log(np.maximum(scores, 1e-30))
        else:
            log_p = scores - scores.max(axis=-1, keepdims=True)
            log_p -= np.log(np.exp(log_p).sum(axis=-1, keepdims=True))
        total -= np.take_along_axis(log_p, Y_val[start:stop, :, None], axis=-1).sum()
    return total / Y_val.size


SKIP_LINE = "trained_model = gpt  # no points"  # notebook 07's skip line: the untrained GPT, so the cells after run


@register("attention.trained_model", kind="value")
def check_trained_model(model):
    shown = "trained_model"
    model = model_of(model, shown, SKIP_LINE)
    given = call(lambda m: tuple(m.inputs[0].shape) if m.inputs else None, model, shown=f"reading {shown}")
    if given not in ((None, ref.SEQ_LEN), (None, None)):
        raise WrongShape(f"{shown} takes inputs of shape {given}; expected windows of ids, (None, {ref.SEQ_LEN}).")
    loss = validation_loss(model)
    if loss <= 2.0:
        return
    if loss > 3.5:
        raise Mistake(
            f"{shown} scores {loss:.2f} nats/char on the last 10 % of the text, near a uniform guess among 65 "
            "characters (ln 65 = 4.17): it looks untrained. Call fit() on it first.",
            "untrained",
        )
    raise Mistake(
        f"{shown} scores {loss:.2f} nats/char on the last 10 % of the text; 2.0 or less is needed. Train the "
        "notebook's tiny GPT for its full schedule (or longer).",
        "above 2.0 nats/char",
    )
