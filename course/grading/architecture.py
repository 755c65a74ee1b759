"""Describe a Keras model layer by layer, so that two architectures can be compared and their first difference named."""

from __future__ import annotations

from dataclasses import dataclass, fields

ACTIVATION_LAYERS = {"ReLU": "relu", "Softmax": "softmax"}


@dataclass
class Layer:
    """What one layer computes, in the words of its Keras constructor; None where it does not apply."""

    kind: str
    units: int | None = None  # Dense units or Conv2D filters
    kernel: tuple | None = None  # Conv2D kernel_size or MaxPooling2D pool_size
    strides: tuple | None = None
    padding: str | None = None
    activation: str | None = None
    rate: float | None = None  # Dropout

    def __str__(self) -> str:
        parts = [] if self.units is None else [str(self.units)]
        if self.kernel is not None:
            parts.append("x".join(map(str, self.kernel)))
        if self.strides is not None and self.strides != (self.kernel if self.kind.endswith("Pooling2D") else (1, 1)):
            parts.append(f"strides={self.strides}")
        if self.padding is not None and not self.kind.endswith("Pooling2D"):
            parts.append(f"padding='{self.padding}'")
        if self.activation is not None:
            parts.append(self.activation)
        if self.rate is not None:
            parts.append(f"rate={self.rate:g}")
        return f"{self.kind}({', '.join(parts)})" if parts else self.kind


def _activation(layer) -> str | None:
    function = getattr(layer, "activation", None)
    return None if function is None else getattr(function, "__name__", str(function))


def describe(layer) -> Layer:
    """A Layer description of one Keras layer."""
    kind = type(layer).__name__
    get = lambda name: getattr(layer, name, None)  # noqa: E731
    as_tuple = lambda v: None if v is None else tuple(v) if isinstance(v, list | tuple) else (v, v)  # noqa: E731
    if kind in ACTIVATION_LAYERS:
        return Layer("Activation", activation=ACTIVATION_LAYERS[kind])
    if kind == "Activation":
        return Layer(kind, activation=_activation(layer))
    if kind == "Dense":
        return Layer(kind, units=layer.units, activation=_activation(layer))
    if kind.startswith("Conv"):
        return Layer(
            kind,
            get("filters"),
            as_tuple(get("kernel_size")),
            as_tuple(get("strides")),
            get("padding"),
            _activation(layer),
        )
    if kind.endswith("Pooling2D") and not kind.startswith("Global"):
        return Layer(kind, kernel=as_tuple(layer.pool_size), strides=as_tuple(layer.strides), padding=layer.padding)
    if kind == "Dropout":
        return Layer(kind, rate=float(layer.rate))
    return Layer(kind)


def layers(model) -> list[Layer]:
    """The model's computing layers in order; an Activation layer is folded into a linear Dense or Conv before it."""
    result = []
    for layer in model.layers:
        spec = describe(layer)
        if spec.kind == "InputLayer":
            continue
        previous = result[-1] if result else None
        if spec.kind == "Activation" and previous is not None and previous.activation == "linear":
            previous.activation = spec.activation
            continue
        result.append(spec)
    return result


def first_difference(actual: list[Layer], expected: list[Layer]) -> tuple[int, str] | None:
    """(index, what differs: 'kind', a field name or 'count') of the first difference of two layer lists, or None."""
    for i, (a, e) in enumerate(zip(actual, expected, strict=False)):
        if a.kind != e.kind:
            return i, "kind"
        for f in fields(Layer):
            if getattr(a, f.name) != getattr(e, f.name):
                return i, f.name
    if len(actual) != len(expected):
        return min(len(actual), len(expected)), "count"
    return None


HINTS = {
    "padding": "padding='same' keeps the 28 x 28 size; the default 'valid' shrinks it by k - 1.",
    "kernel": "the kernel (or pool) size differs.",
    "units": "the number of units (filters) differs.",
    "strides": "the stride differs.",
    "rate": "the dropout rate differs.",
}


def _hint(what: str, actual: Layer, expected: Layer) -> str:
    if what == "kind":
        return "flatten the image into a vector first (keras.layers.Flatten())." if expected.kind == "Flatten" else ""
    if what != "activation":
        return HINTS.get(what, "")
    if expected.activation == "softmax":
        return "the output layer needs activation='softmax' to give 10 class probabilities."
    if actual.activation == "linear":
        return "without activation='relu' this layer is linear, and stacked linear layers collapse into one."
    return f"use activation='{expected.activation}'."


def explain_difference(model, reference) -> str | None:
    """The first way `model`'s layers differ from `reference`'s, in words, with a hint; None if they agree."""
    actual, expected = layers(model), layers(reference)
    difference = first_difference(actual, expected)
    if difference is None:
        return None
    i, what = difference
    listing = "; ".join(map(str, actual))
    if len(actual) != len(expected):
        if actual[i:] == expected[i + 1 :]:  # the layers before i agree
            return f"is missing layer {i + 1}, {expected[i]} (your layers: {listing})."
        if actual[i + 1 :] == expected[i:]:
            return f"has an extra layer {i + 1}, {actual[i]} (your layers: {listing})."
        if what == "count":
            return f"has {len(actual)} layers, expected {len(expected)}: {'; '.join(map(str, expected))} (yours: {listing})."
    hint = _hint(what, actual[i], expected[i])
    return f"has layer {i + 1} {actual[i]}, expected {expected[i]}{': ' + hint if hint else '.'}"


def shape(model, which: str = "inputs") -> tuple | None:
    """The shape of a model's single input (or output), e.g. (None, 28, 28, 1); None if it has none yet."""
    try:
        tensors = getattr(model, which)
        return tuple(tensors[0].shape) if len(tensors) == 1 else None
    except (AttributeError, ValueError, TypeError, IndexError):  # an unbuilt Sequential has no inputs yet
        return None
