"""Hints for notebook 05, transfer learning: a residual block, preprocessing, a frozen-base classifier, fine-tuning."""

HINTS = {
    "residual_block": (
        "In the functional API each layer is created, then called on a tensor. The branch is Conv 3x3, BN, ReLU, "
        'Conv 3x3, BN, both convolutions with `filters` filters, padding="same" and stride 1, so that it keeps the '
        "shape of x; then add x to the branch, and then apply the last ReLU: ReLU(x + BN(...)), not x + ReLU(...).",
        '`y = keras.layers.Conv2D(filters, 3, padding="same")(x)`, `y = keras.layers.BatchNormalization()(y)`, '
        "... and at the end `keras.layers.ReLU()(keras.layers.Add()([x, y]))`.",
    ),
    "preprocess": (
        "MobileNetV2 was trained on RGB in [-1, 1], not [0, 1]: x / 127.5 - 1, with the channels in their order. "
        "Convert to float32 first: uint8 cannot hold the result, and an operation in place would change the "
        "caller's images.",
        "`np.asarray(images, dtype=np.float32) / 127.5 - 1.0`.",
    ),
    "build_classifier": (
        "Freeze the base (base.trainable = False: only the Dense layer's weights train), then build a new functional "
        "model: an Input of the base's input shape, the base called as one layer with training=False (so that its "
        "BatchNormalization keeps its moving averages even once unfrozen), global average pooling (one number per "
        "channel, not Flatten), Dropout(0.2), and a softmax layer with num_classes units.",
        "`inputs = keras.Input(base.input_shape[1:])`; `x = base(inputs, training=False)`; "
        "`x = keras.layers.GlobalAveragePooling2D()(x)`; then `Dropout(0.2)`, "
        '`Dense(num_classes, activation="softmax")`, and `keras.Model(inputs, outputs)`.',
    ),
    "unfreeze_top": (
        "Three things, in this order: base.trainable = True (a frozen model freezes every layer in it); then each "
        "layer of base.layers trainable only if it is among the last n (the last, not the first; mind the off-by-one); "
        "and every BatchNormalization layer frozen, wherever it is. Return base.",
        "`for i, layer in enumerate(base.layers):` set `layer.trainable = i >= len(base.layers) - n and not "
        "isinstance(layer, keras.layers.BatchNormalization)`.",
    ),
    "trained_model": (
        "A Keras model that takes the raw photos (224 x 224 x 3, values 0-255) and gives the two classes' "
        "probabilities: preprocessing belongs inside it. With a few hundred photos, the frozen ImageNet base and a "
        "small head beat training from scratch; choose between approaches on the validation photos only, and hand "
        "in a model trained on x_train alone: the check scores it on the validation photos.",
        "`inputs = keras.Input((224, 224, 3))`, your `preprocess`, the frozen base, pooling and a 2-way softmax in one "
        '`keras.Model`; then `trained_model = model` and `check(trained_model, "transfer.trained_model")`.',
    ),
}
