"""The transfer-learning checks name the typical mistakes of notebook 05; the photos load as the notebook says."""

import keras
import numpy as np
import pytest
from conftest import failing

from course import grade
from course.data import photos
from course.references import transfer as ref

layers = keras.layers


def test_photos_skip_the_placeholder_and_keep_the_split():
    x, y = photos.load_photos("train")
    assert x.shape == (244, 224, 224, 3) and x.dtype == np.uint8
    assert (np.sum(y == 0), np.sum(y == 1)) == (123, 121)
    assert not any(path.suffix == ".gif" for path, _ in photos.photo_files("train"))
    x_test, y_test = photos.load_photos("test")
    assert x_test.shape == (153, 224, 224, 3) and (np.sum(y_test == 0), np.sum(y_test == 1)) == (70, 83)
    x_train, x_val, y_train, y_val = photos.validation_split(x, y)
    assert (len(x_train), len(x_val)) == (183, 61) and (np.sum(y_val == 0), np.sum(y_val == 1)) == (31, 30)
    assert np.array_equal(photos.validation_split(x, y)[1], x_val)  # the same split every time


def test_preprocess_matches_keras():
    x = np.random.default_rng(0).integers(0, 256, (2, 5, 5, 3)).astype(np.uint8)
    expected = keras.applications.mobilenet_v2.preprocess_input(x.copy())
    assert np.allclose(ref.preprocess(x), expected) and ref.preprocess(x).dtype == np.float32


def test_preprocess_mistakes():
    def in_place(images):
        images /= 127.5
        images -= 1
        return images

    def float_in_place(images):
        images = np.asarray(images, dtype=np.float32)  # a float32 input is not copied: changed in place
        images /= 127.5
        images -= 1
        return images

    failing("transfer.preprocess", lambda x: np.asarray(x, dtype=np.float32) / 255, "dividing by 255")
    failing("transfer.preprocess", lambda x: np.asarray(x, dtype=np.float32) / 127.5, "the -1 is missing")
    failing("transfer.preprocess", lambda x: ref.preprocess(x, bgr=True), "swapped to BGR")
    failing("transfer.preprocess", in_place, "UFuncTypeError", "uint8 cannot hold")
    result = failing("transfer.preprocess", float_in_place, "changed its argument #1 in place")
    assert result.mistake == "input changed in place"
    failing("transfer.preprocess", lambda x: np.asarray(x) / 127.5 - 1, "float64", "expected float32")


def test_residual_block_variants_that_pass():
    def with_ops(x, filters):  # keras.ops and the + operator instead of layers
        y = layers.BatchNormalization()(layers.Conv2D(filters, 3, padding="same", use_bias=False)(x))
        y = layers.Activation("relu")(y)
        y = layers.BatchNormalization()(layers.Conv2D(filters, 3, padding="same", use_bias=False)(y))
        return keras.ops.relu(x + y)

    assert grade("transfer.residual_block", with_ops).passed


@pytest.mark.parametrize(
    "variant, phrases",
    [
        (dict(shortcut=False), ["the shortcut is missing"]),
        (dict(relu_before_add=True), ["the last ReLU comes after the addition"]),
        (dict(add_before_bn=True), ["after the second BatchNormalization"]),
        (dict(padding="valid"), ["padding='valid' shrinks the branch"]),
        (dict(convs=1), ["two 3x3 convolutions"]),
    ],
    ids=["no shortcut", "ReLU before the add", "add before BN", "valid padding", "single conv"],
)
def test_residual_block_mistakes(variant, phrases):
    failing("transfer.residual_block", lambda x, filters: ref.residual_block(x, filters, **variant), *phrases)


def test_residual_block_wrong_weights_or_settings():
    def strided(x, filters):
        y = layers.Conv2D(filters, 3, padding="same")(x)
        y = layers.ReLU()(layers.BatchNormalization()(y))
        y = layers.BatchNormalization()(layers.Conv2D(filters, 3, padding="same")(y))
        return layers.ReLU()(layers.Add()([x, layers.Conv2D(filters, 1)(y)]))  # an extra 1 x 1 conv

    def five_by_five(x, filters):
        y = layers.ReLU()(layers.BatchNormalization()(layers.Conv2D(filters, 5, padding="same")(x)))
        y = layers.BatchNormalization()(layers.Conv2D(filters, 3, padding="same")(y))
        return layers.ReLU()(layers.Add()([x, y]))

    failing("transfer.residual_block", strided, "computes Conv2D")
    failing("transfer.residual_block", five_by_five, "kernel (5, 5)")
    failing("transfer.residual_block", lambda x, filters: x, "computes nothing")


@pytest.mark.parametrize(
    "variant, phrases",
    [
        (dict(trainable=True), ["851 trainable weights", "moved the base's BatchNorm", "base.trainable = False"]),
        (dict(training=True), ["after unfreezing the base", "training=False"]),
        (dict(flatten=True), ["GlobalAveragePooling2D"]),
        (dict(activation="sigmoid"), ["ends with a sigmoid"]),
    ],
    ids=["base left trainable", "training=True", "Flatten", "sigmoid"],
)
def test_build_classifier_mistakes(variant, phrases):
    failing("transfer.build_classifier", lambda base, n: ref.build_classifier(base, n, **variant), *phrases)


def test_build_classifier_other_mistakes():
    def no_dropout(base, n):
        base.trainable = False
        inputs = keras.Input(base.input_shape[1:])
        x = layers.GlobalAveragePooling2D()(base(inputs, training=False))
        return keras.Model(inputs, layers.Dense(n, activation="softmax")(x))

    def two_outputs(base, n):
        return ref.build_classifier(base, 2)

    failing("transfer.build_classifier", no_dropout, "Dropout(0.2)")
    failing("transfer.build_classifier", two_outputs, "outputs of shape (None, 2)")
    failing("transfer.build_classifier", lambda base, n: base, "outputs of shape (None, 16, 16, 16)")


@pytest.mark.parametrize(
    "answer, phrases",
    [
        (lambda base, n: ref.unfreeze_top(base, n + 1), ["off by one", "n + 1"]),
        (lambda base, n: ref.unfreeze_top(base, n - 1), ["off by one", "n - 1"]),
        (lambda base, n: ref.unfreeze_top(base, n, from_top=False), ["the first n layers"]),
        (lambda base, n: ref.unfreeze_top(base, n, bn_frozen=False), ["BatchNormalization layers must stay frozen"]),
        (lambda base, n: ref.unfreeze_top(base, n, set_base=False), ["base.trainable is still False"]),
        (lambda base, n: None, ["returned None: return base"]),
    ],
    ids=["n + 1", "n - 1", "first n", "BatchNorm unfrozen", "base.trainable False", "no return"],
)
def test_unfreeze_top_mistakes(answer, phrases):
    failing("transfer.unfreeze_top", answer, *phrases)


def test_unfreeze_top_the_tutorials_way_is_named():
    def everything(base, n):  # base.trainable = True and nothing else
        base.trainable = True
        return base

    failing("transfer.unfreeze_top", everything, "trainable flags wrong", "stem_conv")


@pytest.fixture(scope="module")
def head():
    """A softmax head trained on the pooled MobileNetV2 features of the 183 training photos, the 61 validation photos
    held out as the notebook holds them out (about 20 s)."""
    keras.utils.set_random_seed(0)
    x, _, y, _ = photos.validation_split(*photos.load_photos("train"))
    base = ref.mobilenet_base()
    inputs = keras.Input((224, 224, 3))
    pooled = layers.GlobalAveragePooling2D()(base(inputs, training=False))
    extractor = keras.Model(inputs, pooled)
    features = extractor.predict(ref.preprocess(x), batch_size=32, verbose=0)
    dense = layers.Dense(2, activation="softmax")
    model = keras.Sequential([keras.Input((features.shape[1],)), dense])
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")
    model.fit(features, y, epochs=60, batch_size=32, verbose=0)
    return extractor, dense


def with_input(extractor, dense, preprocessing=True, swap=False):
    inputs = keras.Input((224, 224, 3))
    x = layers.Rescaling(1 / 127.5, offset=-1)(inputs) if preprocessing else inputs
    p = dense(extractor(x))
    return keras.Model(inputs, p[:, ::-1] if swap else p)


def test_trained_model_passes(head):
    result = grade("transfer.trained_model", with_input(*head))
    assert result.passed, result.feedback


def test_the_notebooks_check_of_a_trained_model_reads_no_test_photo(head, monkeypatch):
    opened, load_photos = [], photos.load_photos

    def no_test_photos(split):
        if split == "test":
            opened.append(split)
            raise AssertionError("a check of the validation photos opened the test photos")
        return load_photos(split)

    monkeypatch.setattr(photos, "load_photos", no_test_photos)
    assert grade("transfer.trained_model", with_input(*head)).passed and not opened  # validation only
    assert not grade("transfer.trained_model", with_input(*head), seed=0).passed and opened  # then the test photos


def test_the_grader_scores_the_test_photos_after_validation(head, monkeypatch):
    from course.checks import inputs

    split = inputs.photo_split

    def swapped_test_labels(name):  # ants and bees swapped in the test photos only
        x, y = split(name)
        return (x, 1 - y) if name == "test" else (x, y)

    model = with_input(*head)
    assert grade("transfer.trained_model", model, seed=0).passed  # 85% of the real test photos
    monkeypatch.setattr(inputs, "photo_split", swapped_test_labels)
    assert grade("transfer.trained_model", model).passed
    result = grade("transfer.trained_model", model, seed=3)
    assert not result.passed and result.mistake == "below 85% on the test photos"
    assert "of the 153 test photos correctly (the grader's held-out test); 85% is needed" in result.feedback
    assert "predict(" not in result.feedback


def test_trained_model_mistakes(head):
    extractor, dense = head
    failing("transfer.trained_model", with_input(extractor, dense, preprocessing=False), "inside the model")
    failing("transfer.trained_model", with_input(extractor, dense, swap=True), "class 0 is ants")
    failing(
        "transfer.trained_model", keras.Sequential([keras.Input((96, 96, 3)), layers.Flatten()]), "(None, 96, 96, 3)"
    )
    one = keras.Sequential([keras.Input((224, 224, 3)), layers.GlobalAveragePooling2D(), layers.Dense(1)])
    failing("transfer.trained_model", one, "outputs of shape (None, 1)")
    untrained = keras.Sequential([keras.Input((224, 224, 3)), layers.GlobalAveragePooling2D(), layers.Dense(2)])
    untrained.layers[-1].kernel.assign(np.zeros((3, 2)))
    result = failing("transfer.trained_model", untrained, "of the 61 validation photos (x_val)", "80% is needed")
    assert result.mistake == "below 80% on validation"
