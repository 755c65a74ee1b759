"""Time the course's heaviest training steps on this machine, whatever Keras backend and device it has.

    python benchmarks/training.py            # prints one line per model and records them in docs/results.json

Models, as the notebooks train them: notebook 04's LeNet-style network (the reference `build_lenet`, Adam, batches of
128 of the 50,000 training images, one epoch) and notebook 06's GRU-256 character model (64 windows of 100
characters of tiny Shakespeare per step, 200 steps). Each is timed after one warm-up epoch or step block, so start-up
and compilation are apart. With KERAS_BACKEND=jax on a machine with a GPU it measures the GPU; the notebooks use
TensorFlow's backend, so a CPU-vs-GPU ratio from two backends is an estimate, said so where it is quoted.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import course  # noqa: E402, F401  (quiets TensorFlow, sizes its threads)


def device() -> str:
    import keras

    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        names = sorted({d.device_kind for d in jax.devices()})
        return f"Keras {keras.__version__} on JAX, {', '.join(names)}"
    if backend == "tensorflow":
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        return f"Keras {keras.__version__} on TensorFlow, {'GPU' if gpus else 'CPU'}"
    return f"Keras {keras.__version__} on {backend}"


def lenet_epoch() -> float:
    """Seconds for one epoch of the LeNet-style network on the 50,000 training images (after a warm-up epoch)."""
    import keras

    from course import data
    from course.references.cnn import build_lenet

    (x, y), _ = data.load_mnist()
    x = (x[:50_000, ..., None] / 255.0).astype("float32")
    y = y[:50_000]
    keras.utils.set_random_seed(0)
    model = build_lenet()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x[:6400], y[:6400], batch_size=128, epochs=1, verbose=0)  # warm-up: tracing and compilation
    start = time.perf_counter()
    model.fit(x, y, batch_size=128, epochs=1, verbose=0)
    return time.perf_counter() - start


def gru_steps(steps: int = 200) -> float:
    """Seconds for `steps` training steps of notebook 06's GRU-256 character model (after 20 warm-up steps)."""
    import keras
    import numpy as np

    from course import data

    text = data.load_shakespeare()
    vocab = sorted(set(text))
    ids = np.array([vocab.index(c) for c in text[:200_000]], dtype="int32")
    rng = np.random.default_rng(6)
    starts = rng.integers(0, len(ids) - 101, size=64 * (steps + 20))
    X, Y = ids[starts[:, None] + np.arange(100)], ids[starts[:, None] + np.arange(1, 101)]
    keras.utils.set_random_seed(6)
    model = keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            keras.layers.Embedding(len(vocab), 64),
            keras.layers.GRU(256, return_sequences=True),
            keras.layers.Dense(len(vocab)),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(0.005, global_clipnorm=1.0),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    model.fit(X[: 64 * 20], Y[: 64 * 20], batch_size=64, epochs=1, verbose=0, shuffle=False)
    start = time.perf_counter()
    model.fit(X[64 * 20 :], Y[64 * 20 :], batch_size=64, epochs=1, verbose=0, shuffle=False)
    return time.perf_counter() - start


def main() -> None:
    from course.instructor import results

    where = device()
    machine = results.this_machine()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    for name, run, unit in (
        ("lenet_epoch", lenet_epoch, "one epoch, 50,000 images"),
        ("gru_200_steps", gru_steps, "200 steps"),
    ):
        seconds = run()
        print(f"{name:16} {seconds:7.2f} s  ({unit}; {where}; {machine})", flush=True)
        key = f"{name} {'gpu' if 'GPU' in where.upper() or 'H100' in where or 'H200' in where else 'cpu'}"
        value = {"seconds": round(seconds, 2), "device": where, "machine": machine, "date": time.strftime("%Y-%m-%d")}
        value["load"] = None if load is None else round(load, 1)
        results.record("training", key, value, Path(os.environ.get("COURSE_RESULTS", results.FILE)))


if __name__ == "__main__":
    main()
