"""Reference answers of notebook 05, transfer learning, with the wrong variants the checks recognise, and the small
models the checks build (a tiny stand-in for MobileNetV2, a residual block with known weights)."""

import numpy as np


def preprocess(images, *, scale=127.5, offset=1.0, bgr=False):
    """RGB values in [0, 255] -> float32 in [-1, 1], as keras.applications.mobilenet_v2.preprocess_input."""
    x = np.asarray(images, dtype=np.float32)
    x = x[..., ::-1] if bgr else x
    return x / np.float32(scale) - np.float32(offset)


def residual_block(
    x, filters, *, shortcut=True, relu_before_add=False, add_before_bn=False, padding="same", convs=2, use_bias=True
):
    """He et al.'s basic block, ReLU(x + BN(Conv(ReLU(BN(Conv(x)))))); the keywords give typical wrong variants."""
    import keras

    layers = keras.layers
    y = layers.Conv2D(filters, 3, padding=padding, use_bias=use_bias)(x)
    y = layers.BatchNormalization()(y)
    if convs == 2:
        y = layers.ReLU()(y)
        y = layers.Conv2D(filters, 3, padding=padding, use_bias=use_bias)(y)
        if add_before_bn:
            return layers.ReLU()(layers.BatchNormalization()(layers.Add()([x, y])))
        y = layers.BatchNormalization()(y)
    if relu_before_add:
        y = layers.ReLU()(y)
        return layers.Add()([x, y]) if shortcut else y
    return layers.ReLU()(layers.Add()([x, y]) if shortcut else y)


def build_classifier(base, num_classes, *, trainable=False, training=False, flatten=False, activation="softmax"):
    """The frozen base (in inference mode), global average pooling, dropout 0.2 and a softmax layer."""
    import keras

    base.trainable = trainable
    inputs = keras.Input(base.input_shape[1:])
    x = base(inputs, training=training)
    x = keras.layers.Flatten()(x) if flatten else keras.layers.GlobalAveragePooling2D()(x)
    x = keras.layers.Dropout(0.2)(x)
    outputs = keras.layers.Dense(num_classes, activation=activation)(x)
    return keras.Model(inputs, outputs)


def unfreeze_top(base, n, *, bn_frozen=True, from_top=True, set_base=True):
    """Make only the last n layers of base trainable, BatchNormalization layers always frozen; returns base."""
    import keras

    if set_base:
        base.trainable = True
    chosen = base.layers[-n:] if from_top else base.layers[:n]
    for layer in base.layers:
        layer.trainable = any(layer is c for c in chosen)
        if bn_frozen and isinstance(layer, keras.layers.BatchNormalization):
            layer.trainable = False
    return base


# ---- the checks' own models and helpers ----


def tiny_base(trainable=True):
    """A stand-in for MobileNetV2 that builds in milliseconds: conv, BN, ReLU, depthwise and pointwise convs."""
    import keras

    layers = keras.layers
    inputs = keras.Input((32, 32, 3))
    x = layers.Conv2D(8, 3, strides=2, padding="same", name="stem_conv")(inputs)
    x = layers.BatchNormalization(name="stem_bn")(x)
    x = layers.ReLU(name="stem_relu")(x)
    x = layers.DepthwiseConv2D(3, padding="same", name="block_depthwise")(x)
    x = layers.Conv2D(16, 1, name="block_project")(x)
    x = layers.BatchNormalization(name="block_bn")(x)
    x = layers.ReLU(name="block_relu")(x)
    x = layers.Conv2D(16, 1, name="top_conv")(x)
    x = layers.BatchNormalization(name="top_bn")(x)
    x = layers.ReLU(name="out_relu")(x)
    base = keras.Model(inputs, x, name="tiny_base")
    base.trainable = trainable
    return base


OPERATION_NAMES = {"Activation": "ReLU", "Relu": "ReLU", "add": "Add"}


def block_summary(model):
    """The computing steps of a functional model as (kind, kernel size, strides, padding): plain data for a check."""
    steps = []
    for op in model.operations:
        kind = type(op).__name__
        if kind == "InputLayer":
            continue
        kind = OPERATION_NAMES.get(kind, kind)
        if kind.startswith("Conv"):
            steps.append((kind, tuple(op.kernel_size), tuple(op.strides), op.padding, bool(op.use_bias)))
        else:
            steps.append((kind, None, None, None, None))
    return steps


def block_output(model, seed=0):
    """The model's output for a fixed input after its conv and BN weights are set, in order, from `seed`."""
    import keras

    rng = np.random.default_rng(seed)
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            layer.kernel.assign(rng.normal(0, 0.3, layer.kernel.shape))
            if layer.use_bias:
                layer.bias.assign(rng.normal(0, 0.3, layer.bias.shape))
        elif isinstance(layer, keras.layers.BatchNormalization):
            shape = layer.gamma.shape
            layer.gamma.assign(rng.uniform(0.5, 1.5, shape))
            layer.beta.assign(rng.normal(0, 0.5, shape))
            layer.moving_mean.assign(rng.normal(0, 0.5, shape))
            layer.moving_variance.assign(rng.uniform(0.5, 2.0, shape))
    x = np.random.default_rng(seed + 1).normal(size=(2, *model.input_shape[1:])).astype("float32")
    return np.asarray(model(x, training=False))


def block_model(filters=4, size=8, use_bias=True, **variant):
    """A model around the reference block (or a wrong variant) on inputs (size, size, filters)."""
    import keras

    x = keras.Input((size, size, filters))
    return keras.Model(x, residual_block(x, filters, use_bias=use_bias, **variant))


def moving_means(model):
    """The moving means of every BatchNormalization layer inside a model (nested models included)."""
    import keras

    found = []
    for layer in model._flatten_layers(include_self=False, recursive=True):
        if isinstance(layer, keras.layers.BatchNormalization):
            found.append(np.array(layer.moving_mean))
    return found


def moved(before, after) -> bool:
    """Whether any BatchNormalization statistic changed between two lists of moving means."""
    return len(before) != len(after) or any(not np.array_equal(a, b) for a, b in zip(before, after, strict=True))


def classifier_summary(model):
    """What a check needs to know of a classifier: its layers, trainable weights, and whether BN statistics move."""
    import keras

    x = np.random.default_rng(0).uniform(0, 1, (4, *model.input_shape[1:])).astype("float32")
    top = model.layers[-1]
    summary = {
        "layers": [type(layer).__name__ for layer in model.layers if type(layer).__name__ != "InputLayer"],
        "nested": [layer.name for layer in model.layers if isinstance(layer, keras.Model)],
        "trainable": int(sum(np.prod(w.shape) for w in model.trainable_weights)),
        "activation": getattr(getattr(top, "activation", None), "__name__", None),
        "rates": [float(layer.rate) for layer in model.layers if isinstance(layer, keras.layers.Dropout)],
    }
    before = moving_means(model)
    model(x, training=True)
    summary["moves_in_training"] = moved(before, moving_means(model))
    for layer in model._flatten_layers(include_self=True, recursive=True):
        layer.trainable = True  # unfreeze everything, as fine-tuning does
    before = moving_means(model)
    model(x)
    summary["moves_when_unfrozen"] = moved(before, moving_means(model))
    return summary


def trainable_layers(base):
    """(name, kind, trainable) of every layer of base that has weights, and base.trainable: plain data for a check."""
    flags = [(layer.name, type(layer).__name__, bool(layer.trainable)) for layer in base.layers if layer.weights]
    return flags, bool(base.trainable), len(base.trainable_weights)


def mobilenet_base(trainable=False):
    """MobileNetV2 (alpha 0.35, 224 x 224, no top) with the course's offline ImageNet weights."""
    import keras

    from course.data import mobilenet_v2_weights

    base = keras.applications.MobileNetV2(
        input_shape=(224, 224, 3), alpha=0.35, include_top=False, weights=str(mobilenet_v2_weights())
    )
    base.trainable = trainable
    return base
