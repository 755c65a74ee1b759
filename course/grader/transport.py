"""Plain data across the kernel boundary: JSON with NumPy arrays as base64 `.npy` bytes (never pickle).

Both sides import this module: the kernel encodes what a learner's function returned, the grader decodes
it. Decoding builds only None, bools, numbers, strings, tuples, lists, dicts, ndarrays (np.load with
allow_pickle=False), random Generators from their state, and `limits.Opaque` for anything else;
a Keras model travels as the path of a `.keras` file that the grader loads with safe_mode=True.
"""

from __future__ import annotations

import base64
import io
import json
import math

import numpy as np

from course.grading import limits
from course.grading.text import TRANSPORT, cap

MAX_DEPTH = 20


def _is_model(value) -> bool:
    return any(c.__module__.startswith("keras") and c.__name__ == "Model" for c in type(value).__mro__)


def encode(value, *, save_model=None, depth: int = 0):
    """`value` as JSON-ready data; `save_model(model) -> path` writes a Keras model to a `.keras` file."""
    if depth > MAX_DEPTH:
        return {"opaque": "object", "repr": "... (nested too deeply)"}
    if value is None or isinstance(value, bool | str):
        return cap(value, TRANSPORT) if isinstance(value, str) else value
    if isinstance(value, int):
        return value if abs(value) < 2**53 else {"bigint": str(value)}
    if isinstance(value, float):
        return value if math.isfinite(value) else {"float": repr(value)}
    if isinstance(value, np.bool_ | np.number) and not isinstance(value, np.complexfloating):
        return {"npy": _npy(np.asarray(value)), "scalar": True}
    if isinstance(value, np.ndarray) and value.dtype != object:
        return {"npy": _npy(value)}
    if isinstance(value, tuple | list):
        items = [encode(v, save_model=save_model, depth=depth + 1) for v in value]
        return {"tuple" if isinstance(value, tuple) else "list": items}
    if isinstance(value, dict):
        return {
            "dict": [
                [encode(k, depth=depth + 1), encode(v, save_model=save_model, depth=depth + 1)]
                for k, v in value.items()
            ]
        }
    if isinstance(value, np.random.Generator):
        return {"generator": value.bit_generator.state}
    if save_model is not None and _is_model(value):
        return {"keras": save_model(value)}
    if isinstance(value, limits.Opaque):
        return {"opaque": value.type_name, "repr": value.text[:200]}
    return {"opaque": type(value).__name__, "repr": ""}  # never run the learner's __repr__ here


def _npy(array: np.ndarray) -> str:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def decode(data, *, load_model=None):
    """The value `encode` described; `load_model(path)` loads a Keras model (with safe_mode=True)."""
    if data is None or isinstance(data, bool | int | float | str):
        return data
    if isinstance(data, list):  # only dict keys' pairs use bare lists
        raise ValueError("malformed reply: a bare list")
    if not isinstance(data, dict) or len(data) > 2:
        raise ValueError("malformed reply")
    if "npy" in data:
        array = np.load(io.BytesIO(base64.b64decode(data["npy"])), allow_pickle=False)
        return array[()] if data.get("scalar") else array
    if "tuple" in data:
        return tuple(decode(v, load_model=load_model) for v in data["tuple"])
    if "list" in data:
        return [decode(v, load_model=load_model) for v in data["list"]]
    if "dict" in data:
        return {_key(decode(k)): decode(v, load_model=load_model) for k, v in data["dict"]}
    if "float" in data:
        return float(data["float"])  # 'nan', 'inf' or '-inf'
    if "bigint" in data:
        return int(data["bigint"])
    if "generator" in data:
        state = data["generator"]
        bit_generator = getattr(np.random, str(state.get("bit_generator")), None)
        if bit_generator not in (
            np.random.PCG64,
            np.random.PCG64DXSM,
            np.random.MT19937,
            np.random.Philox,
            np.random.SFC64,
        ):
            raise ValueError("malformed reply: unknown bit generator")
        generator = bit_generator()
        generator.state = state
        return np.random.Generator(generator)
    if "keras" in data:
        if load_model is None:
            raise ValueError("malformed reply: a model where none was expected")
        return load_model(data["keras"])
    if "opaque" in data:
        return limits.Opaque(str(data["opaque"])[:100], str(data.get("repr", ""))[:200])
    raise ValueError("malformed reply")


def _key(key):
    return tuple(key) if isinstance(key, list) else key


def dumps(data) -> str:
    return json.dumps(data, allow_nan=False)


def loads(text: str):
    return json.loads(text)
