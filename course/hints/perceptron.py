"""Hints for notebook 01, the perceptron."""

HINTS = {
    "step": (
        "The perceptron fires (1) only when z is strictly positive; z = 0 gives 0. It must work for a number and for an "
        "array alike.",
        "Compare element-wise and turn the booleans into integers: something of the shape `(np.asarray(z) > 0).astype(int)`.",
    ),
    "perceptron_predict": (
        "Each row of X is one sample: its score is the dot product with w plus the bias, then the step function.",
        "One line: `step(X @ w + b)`.",
    ),
    "perceptron_update": (
        "Rosenblatt's rule moves w and b only when the prediction is wrong, by lr times the error (y - y_hat) times "
        "the input.",
        "With `error = y - step(x @ w + b)`: return `w + lr * error * x` and `b + lr * error`.",
    ),
    "train_perceptron": (
        "Loop over epochs, and inside over the samples in order, applying perceptron_update to each; start from zeros.",
        "Two nested loops: `for epoch in range(epochs): for x_i, y_i in zip(X, y): w, b = perceptron_update(...)`.",
    ),
    "accuracy": (
        "The fraction of predictions equal to the labels: a number between 0 and 1, not a count.",
        "`np.mean(np.asarray(y_true) == np.asarray(y_pred))`, as a float.",
    ),
}
