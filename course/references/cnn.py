"""Reference answers of notebook 04, convolutional networks on MNIST: models, MACs, dropout, batch norm."""

import numpy as np


def build_dense_model():
    """The "hello world" network of Durillo's workshop: Flatten, two Dense(512, relu), Dense(10, softmax)."""
    import keras

    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Flatten(),
            layers.Dense(512, activation="relu"),
            layers.Dense(512, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )


def build_lenet():
    """The LeNet-style network of Erlingsson's Keras script (after Gulli and Pal)."""
    import keras

    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(20, kernel_size=5, padding="same", activation="relu"),
            layers.MaxPooling2D(pool_size=2, strides=2),
            layers.Conv2D(50, kernel_size=5, padding="same", activation="relu"),
            layers.MaxPooling2D(pool_size=2, strides=2),
            layers.Flatten(),
            layers.Dense(500, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )


def conv_macs(h_out, w_out, k, c_in, c_out):
    return h_out * w_out * k * k * c_in * c_out


def dropout(x, rate, training, rng):
    if not training:
        return x
    keep = rng.random(np.shape(x)) >= rate
    return np.where(keep, np.asarray(x) / (1 - rate), 0.0)


def batchnorm_forward(x, gamma, beta, eps=1e-3, *, axes=None, ddof=0, eps_outside=False):
    """Training-mode batch norm; the keywords give typical wrong variants for diagnosis."""
    x = np.asarray(x, dtype=float)
    axes = tuple(range(x.ndim - 1)) if axes is None else axes
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True, ddof=ddof)
    x_hat = (x - mean) / (np.sqrt(var) + eps if eps_outside else np.sqrt(var + eps))
    return gamma * x_hat + beta


def compile_and_fit(model, x, y, validation_data, epochs, batch_size=128, optimizer="adam", callbacks=()):
    """Compile for integer labels (cross-entropy, accuracy), train, and return the History."""
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model.fit(
        x,
        y,
        validation_data=validation_data,
        epochs=epochs,
        batch_size=batch_size,
        callbacks=list(callbacks),
        verbose=0,
    )
