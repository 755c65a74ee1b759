"""The live training plot draws what Keras logs, and without a notebook leaves one static figure."""

import numpy as np

from course.figures import training


def lines(figure):
    return {ax.get_title(): [(line.get_label(), list(line.get_ydata())) for line in ax.lines] for ax in figure.axes}


def test_draw_plots_training_and_validation_curves():
    history = {"loss": [0.5, 0.3], "accuracy": [0.8, 0.9], "val_loss": [0.4, 0.35], "val_accuracy": [0.85, 0.88]}
    figure = training.draw(history, title="demo")
    assert lines(figure) == {
        "loss": [("training", [0.5, 0.3]), ("validation", [0.4, 0.35])],
        "accuracy": [("training", [0.8, 0.9]), ("validation", [0.85, 0.88])],
    }
    assert figure._suptitle.get_text() == "demo"
    assert training.png(figure).startswith(b"\x89PNG")


def test_draw_reuses_its_figure_and_skips_missing_metrics():
    figure = training.draw({"loss": [1.0]})
    again = training.draw({"loss": [1.0, 0.5]}, figure)
    assert again is figure and len(figure.axes) == 2
    assert lines(figure) == {"loss": [("training", [1.0, 0.5])], "accuracy": []}


def test_no_display_outside_a_notebook():
    assert not training.has_display()


def test_callback_leaves_one_figure_after_fit():
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = np.random.default_rng(0).normal(size=(40, 4)), np.arange(40) % 3
    plot = training.live_plot("toy")
    history = model.fit(x, y, epochs=3, validation_split=0.25, verbose=0, callbacks=[plot])
    assert not plot.live and plot.seconds > 0
    assert plot.history["loss"] == history.history["loss"]
    drawn = lines(plot.figure)
    assert [label for label, _ in drawn["accuracy"]] == ["training", "validation"]
    assert np.allclose(drawn["loss"][1][1], history.history["val_loss"])
    assert plot.figure._suptitle.get_text().startswith("toy: epoch 3, ")


def test_live_callback_redraws_each_epoch_without_a_front_end():
    plot = training.live_plot(live=True)
    plot.on_train_begin()
    for epoch, loss in enumerate([0.9, 0.6]):
        plot.on_epoch_end(epoch, {"loss": loss, "accuracy": 0.5 + epoch / 10})
        assert lines(plot.figure)["loss"] == [("training", [0.9, 0.6][: epoch + 1])]
    plot.on_train_end()
    assert plot.handle is None  # nothing to update in place outside a notebook
