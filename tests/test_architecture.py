"""Layer descriptions read what a Keras model computes, whichever way its layers were written."""

import keras

from course.grading import architecture
from course.grading.architecture import Layer

layers = keras.layers


def test_layers_fold_activation_layers_and_skip_the_input():
    model = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(8, 3, strides=2),
            layers.ReLU(),
            layers.MaxPooling2D(pool_size=(2, 2), strides=(2, 2)),
            layers.Flatten(),
            layers.Dropout(0.25),
            layers.Dense(10),
            layers.Activation("softmax"),
        ]
    )
    assert list(map(str, architecture.layers(model))) == [
        "Conv2D(8, 3x3, strides=(2, 2), padding='valid', relu)",
        "MaxPooling2D(2x2)",
        "Flatten",
        "Dropout(rate=0.25)",
        "Dense(10, softmax)",
    ]


def test_an_activation_after_an_activated_layer_stays_a_layer():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="relu"), layers.Softmax()])
    assert architecture.layers(model) == [
        Layer("Dense", units=3, activation="relu"),
        Layer("Activation", activation="softmax"),
    ]


def test_first_difference_names_the_field_or_the_count():
    a = [Layer("Flatten"), Layer("Dense", units=10, activation="softmax")]
    b = [Layer("Flatten"), Layer("Dense", units=10, activation="linear")]
    assert architecture.first_difference(a, a) is None
    assert architecture.first_difference(b, a) == (1, "activation")
    assert architecture.first_difference(a[:1], a) == (1, "count")
    assert architecture.first_difference([Layer("Dropout", rate=0.5)], a) == (0, "kind")


def test_shape_of_built_and_unbuilt_models():
    built = keras.Sequential([keras.Input((28, 28)), layers.Flatten(), layers.Dense(2)])
    assert architecture.shape(built) == (None, 28, 28)
    assert architecture.shape(built, "outputs") == (None, 2)
    assert architecture.shape(keras.Sequential([layers.Dense(2)])) is None
    assert architecture.shape(object()) is None


def test_explain_difference_names_missing_extra_and_changed_layers():
    def model(*stack):
        return keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), *stack])

    relu, softmax = ("relu", "softmax")
    reference = model(layers.Dense(8, activation=relu), layers.Dense(10, activation=softmax))
    assert architecture.explain_difference(reference, reference) is None
    missing = model(layers.Dense(10, activation=softmax))
    assert architecture.explain_difference(missing, reference).startswith("is missing layer 2, Dense(8, relu)")
    extra = model(layers.Dense(8, activation=relu), layers.Dropout(0.5), layers.Dense(10, activation=softmax))
    assert architecture.explain_difference(extra, reference).startswith("has an extra layer 3, Dropout(rate=0.5)")
    linear = model(layers.Dense(8), layers.Dense(10, activation=softmax))
    assert architecture.explain_difference(linear, reference) == (
        "has layer 2 Dense(8, linear), expected Dense(8, relu): without activation='relu' this layer is linear, "
        "and stacked linear layers collapse into one."
    )
