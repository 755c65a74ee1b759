"""Builders of the checks' inputs that a submission's kernel makes itself, named by `Given` through their path.

Each is a plain function of plain data, so what crosses to the kernel is the path and the data, never code. They
read the inputs the notebooks load (`course.data`, `course.photos`), never import the course's reference answers (a
reference passed as an argument comes through `course.reference`, which the grader answers).
"""

from __future__ import annotations

from functools import cache

import numpy as np


def pattern(shape, modulus, offset, power=2, floats=False):
    """`(np.arange(N) ** power % modulus - offset).reshape(shape)`: a small input with no symmetry."""
    x = (np.arange(int(np.prod(shape))) ** power % modulus - offset).reshape(shape)
    return x.astype(float) if floats else x


def grid(start, stop, shape):
    """`np.arange(start, stop).reshape(shape)`."""
    return np.arange(start, stop).reshape(shape)


def waves(shape, scale):
    """`np.sin(np.arange(N)).reshape(shape) * scale`: small values of both signs."""
    return np.sin(np.arange(float(np.prod(shape)))).reshape(shape) * scale


def normal(seed, shape, scale=1.0):
    """`np.random.default_rng(seed).normal(size=shape) * scale`."""
    return np.random.default_rng(seed).normal(size=tuple(shape)) * scale


def arrays(*values, dtype=float):
    """A list of arrays, one per nested list: `[np.array(v, dtype=float) for v in values]`."""
    return [np.array(v, dtype=dtype) for v in values]


def boolean(rows):
    """`np.array(rows, dtype=bool)`: a mask."""
    return np.array(rows, dtype=bool)


def causal(T):
    """`np.tril(np.ones((T, T), bool))`: position t may attend to 0..t."""
    return np.tril(np.ones((T, T), bool))


def cube_sum(x):
    """lambda x: np.sum(x ** 3)"""
    return np.sum(x**3)


def square_sum_cross(x):
    """lambda x: np.sum(x ** 2) + x[0, 0] * x[1, 1]"""
    return np.sum(x**2) + x[0, 0] * x[1, 1]


def weighted_sin(x):
    """lambda x: np.sum(np.sin(x) * np.arange(x.size).reshape(x.shape))"""
    return np.sum(np.sin(x) * np.arange(x.size).reshape(x.shape))


def function(path: str):
    """The function at `path` itself (an argument that is a function, e.g. the derivative an MLP's backward takes).

    A reference (`course.references.<topic>:<name>`) comes through `course.reference`: a graded kernel holds no
    references, so there the grader runs it, and it never counts as the graded exercise's own reference.
    """
    module, _, name = path.partition(":")
    if module.startswith("course.references."):
        from course.grading.engine import reference

        return reference(f"{module.rpartition('.')[2]}.{name}")
    from course.grading.cases import resolve

    return resolve(path)


def keras_input(shape):
    """`keras.Input(shape)`: a symbolic input to build a learner's layers on."""
    import keras

    return keras.Input(tuple(shape))


MNIST_TRAIN = 50_000  # notebook 04 trains on the first 50,000 training images and validates on the last 10,000


@cache
def mnist_split(split):
    """`(images, labels)` of "validation" (the last 10,000 training images, as notebook 04 holds them out) or "test".

    The validation split reads MNIST's training files only: a check of the validation split never opens the test set.
    Read once per process (the arrays are read-only), since a check asks for it once per chunk of images.
    """
    from course.data import load_mnist

    if split == "test":
        return load_mnist()[1]
    (x, y), _ = load_mnist(test=False)
    return x[MNIST_TRAIN:], y[MNIST_TRAIN:]


def mnist_images(split, start, stop, shape, scale=1.0):
    """MNIST images start to stop - 1 of a split as the notebook feeds them (x / 255), reshaped to `shape`, times `scale`."""
    x = mnist_split(split)[0]
    return ((x[start:stop] / 255.0).astype("float32") * scale).reshape(shape)


def photo_split(split):
    """`(photos, labels)` of "validation" (the 61 of the training photos notebook 05 holds out) or "test" (153)."""
    from course.data import photos

    if split == "test":
        return photos.load_photos("test")
    _, x_val, _, y_val = photos.validation_split(*photos.load_photos("train"))
    return x_val, y_val


def photo_batch(split, start, stop, scale=None):
    """Photos start to stop - 1 of a split as `course.photos` loads them (uint8), or preprocessed as x * scale - 1."""
    images = photo_split(split)[0][start:stop]
    return images if scale is None else images * scale - 1


def tiny_model():
    """A softmax regression on 28 x 28 x 1 images: the smallest model that trains in a second."""
    import keras

    return keras.Sequential(
        [keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")]
    )


@cache
def small_mnist(n_train=256, n_val=64):
    """The first n_train + n_val MNIST training digits, shaped and scaled as in the notebook, split in two."""
    from course.data import load_mnist

    (x, y), _ = load_mnist(test=False)
    x = (x[: n_train + n_val] / 255.0).astype("float32")[..., None]
    y = y[: n_train + n_val]
    return x[:n_train], y[:n_train], x[n_train:], y[n_train:]


def pattern32(shape, modulus, offset, power=2):
    """`pattern(shape, modulus, offset, power).astype("float32")`: float32, the dtype Keras and TensorFlow work in."""
    return pattern(shape, modulus, offset, power).astype("float32")


def normal32(seed, shape, scale=1.0):
    """`normal(seed, shape, scale).astype("float32")`: e.g. logits as a Keras model returns them."""
    return normal(seed, shape, scale).astype("float32")
