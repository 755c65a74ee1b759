"""Hints for notebook 02, backpropagation: the chain rule, activations, softmax, loss, a dense layer, the MLP, SGD."""

HINTS = {
    "sgd_step": (
        "Step against the gradient, each parameter by lr times its own gradient, and return a new list in the order "
        "of params. Build new arrays: `p -= lr * g` would change the caller's parameters in place.",
        "A list comprehension over `zip(params, grads)` whose element is `p - lr * g`.",
    ),
    "chain_rule_example": (
        "Name the sum q = x + y, so that f = q z has two factors. Each gradient is the upstream gradient times the "
        "local one: df/dx = df/dq · dq/dx = z · 1, not dq/dx = 1 alone; df/dz is the other factor, q. Return the "
        "tuple (f, dfdx, dfdy, dfdz).",
        "`q = x + y` and `f = q * z`; the multiply node gives `dfdq, dfdz = z, q`; the add node passes its gradient "
        "on, `dfdx = dfdy = dfdq * 1.0`.",
    ),
    "sigmoid": (
        "1 / (1 + exp(-z)) is the right value, but np.exp(-z) overflows at z = -1000, and np.where evaluates both of "
        "its branches, so it cannot hide that. Compute only e^-|z|, which lies in (0, 1], and choose the formula by "
        "the sign of z. np.asarray(z, dtype=float) makes a number work too.",
        "`e = np.exp(-np.abs(z))`, then `np.where(z >= 0, 1 / (1 + e), e / (1 + e))` (or the one-liner "
        "`0.5 * (1 + np.tanh(z / 2))`).",
    ),
    "sigmoid_grad": (
        "σ'(z) = σ(z)(1 - σ(z)): apply the formula to σ(z), not to z, and reuse your stable sigmoid, so that "
        "z = ±1000 gives 0, not NaN. The derivative is positive everywhere, at most 0.25 (at z = 0).",
        "Two lines: `s = sigmoid(z)`, then `return s * (1 - s)`.",
    ),
    "relu": (
        "max(0, z) element-wise. Python's max() and `if z > 0` compare one number and fail on an array; NumPy's "
        "element-wise maximum works for a number and for arrays of any shape, and returns a new array.",
        "`np.maximum(0.0, z)`.",
    ),
    "relu_grad": (
        "1 where z > 0 and 0 elsewhere, also at exactly z = 0 (as TensorFlow does): a strict comparison. Return "
        "floats of z's shape; neither relu(z) itself nor the sign of z.",
        "Compare, then convert the booleans: `(np.asarray(z) > 0).astype(float)`.",
    ),
    "softmax": (
        "Each row of Z is one sample: exponentiate, then divide by that row's own sum, so that every row sums to 1 "
        "(not the whole array, not the columns). Subtract each row's maximum first: softmax does not change, and "
        "np.exp no longer overflows at logits around 1000. keepdims=True keeps the (n, 1) shape that broadcasts.",
        "`E = np.exp(Z - Z.max(axis=-1, keepdims=True))`, then `E / E.sum(axis=-1, keepdims=True)`.",
    ),
    "cross_entropy": (
        "Only each sample's true-class probability counts: the loss is the mean over the n samples of -log P[i, y_i], "
        "a float >= 0 in natural logarithms. P[:, y] picks whole columns, not one entry per row; and a probability of 0 "
        "must be clipped before the log, so that the loss stays finite.",
        "`p_true = P[np.arange(len(y)), y]`, then `float(-np.mean(np.log(np.clip(p_true, 1e-12, 1.0))))`.",
    ),
    "numerical_gradient": (
        "Return an array of x's shape, one partial derivative per entry. Perturb one entry at a time, on copies of x "
        "(x itself must not change), by the eps you are given, and take the central difference "
        "(f(x + eps e_i) - f(x - eps e_i)) / (2 eps), not the forward one.",
        "`for i in np.ndindex(x.shape):` make `plus, minus = x.copy(), x.copy()`, then `plus[i] += eps`, "
        "`minus[i] -= eps` and `grad[i] = (f(plus) - f(minus)) / (2 * eps)`, with `grad = np.zeros(x.shape)`.",
    ),
    "dense_forward": (
        "X is (n, d), one sample per row, and W is (d, m) already: no transpose, and the result has one row per "
        "sample, (n, m). The bias b (m,) broadcasts over the rows. No activation inside the layer.",
        "One line: `X @ W + b`.",
    ),
    "dense_backward": (
        "Each gradient has the shape of what it is the gradient of: dX like X (n, d), dW like W (d, m), db like b (m,); "
        "match the shapes to place the transposes. The 1/n of the mean loss is already inside dZ, so db is a plain sum "
        "over the samples (axis 0) and nothing is divided by n.",
        "`return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)`.",
    ),
    "softmax_cross_entropy_grad": (
        "The derivation gives (P - Y) / n: the probabilities minus the one-hot labels, divided by the number of "
        "samples n = len(y), since the loss is a mean (not by the number of classes k). Y is 1 only at [i, y_i], so "
        "P - Y differs from P only at those entries: start from a copy of P, so that P itself stays unchanged.",
        "`dZ = P.copy()`, then `dZ[np.arange(len(y)), y] -= 1` and `return dZ / len(y)`.",
    ),
    "mlp_forward": (
        "Step through params two at a time: layer l uses W = params[2*l] and b = params[2*l + 1]. Keep each layer's "
        "input A (X for the first layer) with its pre-activation Z as the pair (A, Z) in the cache; the next layer's "
        "input is act(Z), except after the last layer, whose Z are the logits, with no activation.",
        "`A, cache = X, []`; `for i in range(0, len(params), 2):` `Z = dense_forward(A, params[i], params[i + 1])`, "
        "`cache.append((A, Z))` and `A = act(Z) if i + 2 < len(params) else Z`; then `return A, cache`.",
    ),
    "mlp_backward": (
        "Walk the layers from the last to the first: cache[l] is (A, Z) of layer l, its weights params[2*l], its bias "
        "params[2*l + 1]. dense_backward gives dA, dW and db; to step down to layer l - 1, multiply dA element-wise by "
        "act_grad of the pre-activation of the layer below, cache[l - 1][1] (not this layer's Z, not the activation "
        "A). Store each gradient at its parameter's position, so the list comes out first layer first.",
        "`grads = [None] * len(params)`; `for layer in reversed(range(len(cache))):` "
        "`dA, grads[2 * layer], grads[2 * layer + 1] = dense_backward(dZ, cache[layer][0], params[2 * layer])` and, "
        "`if layer > 0`, `dZ = dA * act_grad(cache[layer - 1][1])`.",
    ),
    "train_epoch": (
        "Shuffle once with order = rng.permutation(len(X)), then cut order into consecutive batches of batch_size, "
        "keeping the last, shorter one. Each batch: mlp_loss_and_grads, then sgd_step, and the new params go into the "
        "next batch. Return the final params and the plain mean of the batches' losses as a float: not the last loss, "
        "not their sum.",
        "`for i in range(0, len(X), batch_size):` with `batch = order[i : i + batch_size]`, "
        "`loss, grads = mlp_loss_and_grads(params, X[batch], y[batch])` and `params = sgd_step(params, grads, lr)`; "
        "collect the losses and return `params, float(np.mean(losses))`.",
    ),
}
