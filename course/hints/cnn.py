"""Hints for notebook 04, convolutional networks on MNIST: two models, the training function, MACs, dropout, BN."""

HINTS = {
    "build_dense_model": (
        "Return an uncompiled keras.Sequential that starts with keras.Input((28, 28, 1)), so that it has an input "
        "shape before any training, flattens each image into 784 numbers, and ends with 10 softmax units, one "
        "probability per digit. It has 669,706 parameters.",
        "`keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), "
        'keras.layers.Dense(512, activation="relu"), ...])`, with a second Dense(512, relu) and '
        '`keras.layers.Dense(10, activation="softmax")` last.',
    ),
    "compile_and_fit": (
        'Compile the model you are given with the `optimizer` argument (not a fixed "adam"), the loss for integer '
        'labels 0-9 ("sparse_categorical_crossentropy"; "categorical_crossentropy" wants one-hot labels) and '
        'metrics=["accuracy"]. Pass every argument on to fit (otherwise Keras uses its default batch size of 32) '
        "and return the History that fit returns, not the model.",
        '`model.compile(optimizer=optimizer, loss=..., metrics=["accuracy"])`, then `return model.fit(x, y, '
        "validation_data=validation_data, epochs=epochs, batch_size=batch_size, callbacks=list(callbacks), "
        "verbose=0)`.",
    ),
    "build_lenet": (
        'Two stages of a 5 x 5 Conv2D with padding="same" and ReLU, then 2 x 2 max pooling with stride 2, '
        "20 filters and then 50, so that 28 x 28 becomes 14 x 14, then 7 x 7; then Flatten, Dense(500, relu) and "
        "Dense(10, softmax). 'valid' padding or other filter counts move the count away from 1,256,080 parameters.",
        'After `keras.Input((28, 28, 1))`: `keras.layers.Conv2D(20, kernel_size=5, padding="same", '
        'activation="relu")`, `keras.layers.MaxPooling2D(pool_size=2, strides=2)`, the same pair with 50 filters, '
        'then `Flatten()`, `Dense(500, activation="relu")`, `Dense(10, activation="softmax")`.',
    ),
    "conv_macs": (
        "One multiply-accumulate per kernel weight per output position: each of the h_out x w_out x c_out output "
        "values sums k x k x c_in products. Count MACs, not FLOPs (no factor 2), and leave out the bias additions. "
        "Return an int.",
        "The product of all five numbers, with k twice: `h_out * w_out * k * k * c_in * c_out`.",
    ),
    "dropout": (
        "With training=False return x unchanged. In training, draw one random number per entry from `rng` (not "
        "np.random), keep the entry where it is >= rate (rate is the probability to drop), and divide the survivors "
        "by 1 - rate, so that each entry's expected value stays x. Build a new array: x must not change.",
        "`keep = rng.random(x.shape) >= rate`, then `np.where(keep, x / (1 - rate), 0.0)`.",
    ),
    "batchnorm_forward": (
        "The features are on the last axis: average over every other axis (the batch, and for images the positions "
        "too), one mean and one variance per feature. Use the biased variance (np.var's default ddof=0), put the eps "
        "you are given inside the square root, then scale by gamma and shift by beta.",
        "`axes = tuple(range(x.ndim - 1))`; `mean, var = x.mean(axis=axes), x.var(axis=axes)`; then "
        "`gamma * (x - mean) / np.sqrt(var + eps) + beta`.",
    ),
    "trained_model": (
        "A Keras model that maps (n, 28, 28, 1) images scaled to [0, 1] to 10 class probabilities and reaches the "
        "accuracy the exercise asks for. Go deeper before you go wider: a few 3 x 3 convolutions, each followed by "
        "batch normalisation and ReLU, pooling between stages; train on x_train and judge every change on the "
        "validation split only, which is what the check scores.",
        "The notebook's LeNet-style recipe trained for a few epochs with Adam and a learning rate that decays "
        'linearly to zero; then `trained_model = model` and `check(trained_model, "cnn.trained_model")`.',
    ),
}
