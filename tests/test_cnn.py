"""The CNN checks pass the notebook's solutions, reject the stubs, and name typical mistakes."""

import math

import keras
import numpy as np
import pytest
from conftest import failing

from course import grade
from course.references import cnn as ref

layers = keras.layers


def lenet_with(**changes):
    """Erlingsson's LeNet-style network with some layers replaced: changes maps a layer index (0 = first conv) to a layer or None."""
    stack = [
        layers.Conv2D(20, 5, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(50, 5, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(500, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ]
    for index, layer in changes.items():
        stack[int(index[1:])] = layer
    return keras.Sequential([keras.Input((28, 28, 1))] + [layer for layer in stack if layer is not None])


def test_lenet_written_like_the_seed_passes():
    def seed_style():  # separate Activation layers, as Erlingsson's lecture script builds it
        return keras.Sequential(
            [
                keras.Input((28, 28, 1)),
                layers.Conv2D(20, kernel_size=5, padding="same"),
                layers.Activation("relu"),
                layers.MaxPooling2D(pool_size=(2, 2), strides=(2, 2)),
                layers.Conv2D(50, kernel_size=5, padding="same"),
                layers.Activation("relu"),
                layers.MaxPooling2D(pool_size=(2, 2), strides=(2, 2)),
                layers.Flatten(),
                layers.Dense(500),
                layers.Activation("relu"),
                layers.Dense(10),
                layers.Activation("softmax"),
            ]
        )

    assert grade("cnn.build_lenet", seed_style).passed


def test_lenet_mistakes():
    failing("cnn.build_lenet", lambda: lenet_with(l0=layers.Conv2D(20, 5, activation="relu")), "layer 1", "'same'")
    failing("cnn.build_lenet", lambda: lenet_with(l2=layers.Conv2D(50, 3, padding="same", activation="relu")), "3x3")
    failing("cnn.build_lenet", lambda: lenet_with(l6=layers.Dense(10)), "layer 7", "activation='softmax'")
    failing("cnn.build_lenet", lambda: lenet_with(l3=None), "missing layer 4, MaxPooling2D(2x2)")
    failing("cnn.build_lenet", lambda: lenet_with(l5=layers.Dense(500)), "is linear")
    failing(
        "cnn.build_lenet", lambda: lenet_with(l4=layers.Dropout(0.5)), "has layer 5 Dropout(rate=0.5), expected Flatten"
    )
    failing("cnn.build_lenet", lambda: keras.Sequential([layers.Conv2D(20, 5)]), "no input shape yet")
    failing("cnn.build_lenet", lambda: "lenet", "is a str; expected a Keras model")
    failing("cnn.build_lenet", ref.build_dense_model, "has layer 1 Flatten, expected Conv2D")


def test_dense_model_mistakes():
    def dense(*stack, shape=(28, 28, 1)):  # stack: layer names, built afresh for each model
        made = {
            "flatten": layers.Flatten,
            "hidden": lambda: layers.Dense(512, activation="relu"),
            "linear": lambda: layers.Dense(512),
            "output": lambda: layers.Dense(10, activation="softmax"),
            "logits": lambda: layers.Dense(10),
        }
        return lambda: keras.Sequential([keras.Input(shape)] + [made[name]() for name in stack])

    assert grade("cnn.build_dense_model", dense("flatten", "hidden", "hidden", "output", shape=(28, 28))).passed
    failing("cnn.build_dense_model", dense("hidden", "hidden", "output", shape=(28, 28)), "missing layer 1, Flatten")
    failing("cnn.build_dense_model", dense("flatten", "hidden", "output"), "missing layer 3, Dense(512, relu)")
    failing("cnn.build_dense_model", dense("flatten", "linear", "hidden", "output"), "is linear")
    failing("cnn.build_dense_model", dense("flatten", "hidden", "hidden", "logits"), "'softmax'")
    failing("cnn.build_dense_model", dense("hidden", "hidden", "output", shape=(784,)), "inputs of shape (None, 784)")
    failing("cnn.build_dense_model", dense("flatten", "hidden", "hidden", "output", "hidden"), "extra layer 5")


def test_conv_macs_mistakes():
    failing("cnn.conv_macs", lambda h, w, k, ci, co: 2 * h * w * k * k * ci * co, "returned 2160", "FLOPs")
    failing("cnn.conv_macs", lambda h, w, k, ci, co: h * w * k * k * co, "multiply by c_in")
    failing("cnn.conv_macs", lambda h, w, k, ci, co: h * w * k * ci * co, "k * k weights")
    failing("cnn.conv_macs", lambda h, w, k, ci, co: (k * k * ci + 1) * co, "parameter count")
    failing("cnn.conv_macs", lambda h, w, k, ci, co: h * w * (k * k * ci + 1) * co, "bias")
    failing("cnn.conv_macs", lambda h, w, k, ci, co: h * w * k * k * ci * co / 1, "expected integers")


def test_dropout_mistakes():
    def variant(keep_if=lambda r, rate: r >= rate, scale=lambda rate: 1 / (1 - rate), inference=lambda x, rate: x):
        def dropout(x, rate, training, rng):
            if not training:
                return inference(x, rate)
            return np.where(keep_if(rng.random(x.shape), rate), x * scale(rate), 0.0)

        return dropout

    assert grade("cnn.dropout", variant()).passed
    failing("cnn.dropout", variant(scale=lambda rate: 1.0), "scale the survivors by 1 / (1 - rate)")
    failing("cnn.dropout", variant(scale=lambda rate: 1 - rate), "don't multiply")
    failing("cnn.dropout", variant(keep_if=lambda r, rate: r < rate), "zeroed 69.", "not to keep it")
    failing(
        "cnn.dropout",
        variant(inference=lambda x, rate: x * (1 - rate)),
        "training=False",
        "return x unchanged",
        "already scaled",
    )
    failing("cnn.dropout", lambda x, rate, training, rng: x, "returned x unchanged")

    def global_random(x, rate, training, rng):
        return np.where(np.random.random(x.shape) >= rate, x / (1 - rate), 0.0) if training else x

    def one_draw(x, rate, training, rng):
        return x * (rng.random() >= rate) / (1 - rate) if training else x

    def in_place(x, rate, training, rng):
        if training:
            x[rng.random(x.shape) < rate] = 0.0
            x /= 1 - rate
        return x

    failing("cnn.dropout", global_random, "draw the mask from `rng`")
    failing("cnn.dropout", one_draw, "one random number per entry")
    failing("cnn.dropout", in_place, "changed its argument #1 in place")


def test_batchnorm_mistakes():
    def variant(**wrong):
        return lambda x, gamma, beta, eps=1e-3: ref.batchnorm_forward(x, gamma, beta, eps, **wrong)

    failing("cnn.batchnorm_forward", variant(ddof=1), "biased variance")
    failing("cnn.batchnorm_forward", variant(axes=(0,)), "inputs.waves((2, 3, 3, 2), 0.05)", "not only the first")
    failing(
        "cnn.batchnorm_forward",
        lambda x, g, b, eps=1e-3: ref.batchnorm_forward(x, g, b, eps, axes=(x.ndim - 1,)),
        "not over each sample",
    )
    failing("cnn.batchnorm_forward", variant(eps_outside=True), "inside the square root")
    failing(
        "cnn.batchnorm_forward", lambda x, g, b, eps=1e-3: ref.batchnorm_forward(x, b, g, eps), "gamma * x_hat + beta"
    )
    failing(
        "cnn.batchnorm_forward", lambda x, g, b, eps=1e-3: ref.batchnorm_forward(x, g, b), "eps=1e-05", "eps argument"
    )
    failing("cnn.batchnorm_forward", lambda x, g, b, eps=1e-3: x.mean(axis=0), "shape (3,), expected shape (4, 3)")


def test_batchnorm_reference_matches_keras():
    x = np.random.default_rng(0).normal(1.0, 0.1, size=(8, 4, 4, 3)).astype("float32")
    gamma, beta = np.array([0.5, 1.0, 2.0]), np.array([0.1, 0.0, -0.2])
    layer = layers.BatchNormalization(epsilon=1e-3)
    layer.build(x.shape)
    layer.gamma.assign(gamma)
    layer.beta.assign(beta)
    assert np.allclose(ref.batchnorm_forward(x, gamma, beta), layer(x, training=True).numpy(), atol=1e-5)


@pytest.fixture(scope="module")
def trained():
    """A small batch-normalised CNN after two epochs with a decaying learning rate on the notebook's 50,000 training
    images, the validation split held out (about 30 s on two cores)."""
    from course.checks.inputs import MNIST_TRAIN
    from course.data import load_mnist

    (x, y), _ = load_mnist(test=False)
    x, y = (x[:MNIST_TRAIN] / 255.0).astype("float32")[..., None], y[:MNIST_TRAIN]
    keras.utils.set_random_seed(0)
    block = lambda filters: [layers.Conv2D(filters, 3, padding="same", use_bias=False), layers.BatchNormalization()]  # noqa: E731
    stack = [*block(16), layers.ReLU(), layers.MaxPooling2D(2), *block(32), layers.ReLU(), *block(32), layers.ReLU()]
    stack += [layers.MaxPooling2D(2), *block(64), layers.ReLU(), layers.MaxPooling2D(2), layers.Flatten()]
    model = keras.Sequential([keras.Input((28, 28, 1)), *stack, layers.Dense(10, activation="softmax")])
    steps = 2 * math.ceil(len(x) / 128)
    schedule = keras.optimizers.schedules.PolynomialDecay(0.005, decay_steps=steps, end_learning_rate=0.0)
    model.compile(keras.optimizers.Adam(schedule), "sparse_categorical_crossentropy")
    model.fit(x, y, epochs=2, batch_size=128, verbose=0)
    return model, x, y


def test_trained_model_passes(trained):
    result = grade("cnn.trained_model", trained[0])
    assert result.passed, result.feedback


def test_the_notebooks_check_of_a_trained_model_reads_no_test_data(trained, monkeypatch):
    from course import data
    from course.checks import inputs

    opened, read_idx = [], data.read_idx

    def no_test_files(file):
        if "t10k" in str(file):
            opened.append(file)
            raise AssertionError("a check of the validation split opened the test set")
        return read_idx(file)

    monkeypatch.setattr(data, "read_idx", no_test_files)
    inputs.mnist_split.cache_clear()  # each split is read once per process: read it again here
    assert grade("cnn.trained_model", trained[0]).passed and not opened  # the notebook's check: validation only
    graded = grade("cnn.trained_model", trained[0], seed=0)  # the batch grader's: then the test set
    assert not graded.passed and opened


def test_the_grader_scores_the_test_set_after_validation(trained, monkeypatch):
    from course.checks import inputs

    split = inputs.mnist_split

    def wrong_test_labels(name):  # every test label moved by one: no model can pass the test set now
        x, y = split(name)
        return (x, (y + 1) % 10) if name == "test" else (x, y)

    assert grade("cnn.trained_model", trained[0], seed=0).passed  # 99.0% on the real test set
    monkeypatch.setattr(inputs, "mnist_split", wrong_test_labels)
    assert grade("cnn.trained_model", trained[0]).passed
    result = grade("cnn.trained_model", trained[0], seed=3)
    assert not result.passed and result.mistake == "below 99% on the test set"
    assert "of the 10,000 test digits correctly (the grader's held-out test); 99.0% is needed" in result.feedback
    assert "[[" not in result.feedback and "predict(" not in result.feedback  # no test image, no call shown


def test_trained_model_mistakes(trained):
    model, x, y = trained
    failing("cnn.trained_model", None, "is None: assign your trained model")
    failing("cnn.build_lenet", lambda: None, "build_lenet() is None: did you forget `return`?")
    tiny = ref.build_dense_model()
    tiny.compile("adam", "sparse_categorical_crossentropy")
    failing("cnn.trained_model", tiny.fit(x[:64], y[:64], verbose=0), "History that fit() returns")
    failing("cnn.trained_model", model.predict, "expected a Keras model")
    failing("cnn.trained_model", keras.Sequential([layers.Dense(10)]), "no input shape yet")
    failing("cnn.trained_model", keras.Sequential([keras.Input((784,)), layers.Dense(10)]), "(None, 784)")
    failing(
        "cnn.trained_model",
        keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(1)]),
        "outputs of shape (None, 1)",
    )
    failing("cnn.trained_model", ref.build_lenet(), "about chance", "looks untrained")
    raw_pixels = keras.Sequential([keras.Input((28, 28, 1)), layers.Rescaling(1 / 255), model])
    failing("cnn.trained_model", raw_pixels, "only on pixels 0-255")

    keras.utils.set_random_seed(0)
    weak = ref.build_dense_model()
    weak.compile("adam", "sparse_categorical_crossentropy")
    weak.fit(x[:2000], y[:2000], epochs=1, verbose=0)
    result = failing("cnn.trained_model", weak, "of the 10,000 validation digits (x_val", "98.8% is needed")
    assert result.mistake == "below 98.8% on validation"
