"""The grader's agent inside a submission's kernel: look up the learner's answers, call them, send back plain data.

The grader runs one line in the kernel, `serve(request_path)`; the agent reads the JSON request, answers
into `<request_path>.reply` and returns. Anything here can be tampered with by the submission, so the
grader trusts nothing it receives: it only decodes plain data (course.grader.transport) and checks it.
"""

from __future__ import annotations

import functools
import json
import os
import sys

from course.grader import transport
from course.grading.text import TRANSPORT, cap


def _namespace() -> dict:
    try:
        return get_ipython().user_ns  # noqa: F821  (defined in an IPython kernel)
    except NameError:
        return vars(sys.modules["__main__"])


def _decode_arg(data, folder: str = "."):
    if isinstance(data, dict) and set(data) == {"given", "args"}:  # a Given: built here from its path and data
        from course.grading import cases

        return cases.resolve(str(data["given"]))(*transport.decode(data["args"]))
    if isinstance(data, dict) and "tuple" in data:
        return tuple(_decode_arg(v, folder) for v in data["tuple"])
    return transport.decode(data, load_model=lambda name: _load_model(folder, name))


def _load_model(folder: str, name: str):
    """A model the grader built for a check (e.g. the course's small base network), saved next to the request."""
    import keras

    return keras.models.load_model(os.path.join(folder, os.path.basename(str(name))), compile=False)


class _Models:
    """Saves Keras models next to the request, as `.keras` files the grader loads with safe_mode=True."""

    def __init__(self, folder: str):
        self.folder, self.count = folder, 0

    def __call__(self, model) -> str:
        self.count += 1
        name = f"model-{os.getpid()}-{self.count}.keras"
        model.save(os.path.join(self.folder, name))
        return name


def inventory(names: list[str]) -> dict:
    """For each exercise name: missing, the course's reference, a function, or a value (with its type)."""
    ns, found = _namespace(), {}
    for name in names:
        if name not in ns:
            found[name] = {"kind": "missing"}
        elif getattr(ns[name], "__course_reference__", None):
            found[name] = {"kind": "reference", "exercise": str(ns[name].__course_reference__)}
        else:
            found[name] = {"kind": "function" if callable(ns[name]) else "value", "type": type(ns[name]).__name__}
    return found


def call(request: dict, save_model) -> dict:
    """Run the learner's function on the request's arguments under course.grading.limits; the Outcome as plain data."""
    from course.grading import cases, limits

    fn = _namespace().get(request["name"])
    args = tuple(_decode_arg(a, os.path.dirname(request["path"])) for a in request["args"])
    if request.get("wrap"):  # as kit.call does in a notebook: the adapter gets the learner's function first
        fn = functools.partial(cases.resolve(str(request["wrap"])), fn)
    outcome = limits.run(fn, args, time_limit=request["time_limit"])
    return {
        "status": outcome.status,
        "value": transport.encode(outcome.value, save_model=save_model),
        "args": transport.encode(tuple(outcome.args) if outcome.args is not None else None, save_model=save_model),
        "error": outcome.error,
        "error_types": list(outcome.error_types or ()),
        "message": outcome.message,
        "faults": list(outcome.faults or ()),
        "printed": cap(outcome.printed or "", TRANSPORT),
        "seconds": outcome.seconds,
    }


def value(request: dict, save_model) -> dict:
    """A value answer (e.g. a trained model) as plain data."""
    return {"value": transport.encode(_namespace().get(request["name"]), save_model=save_model)}


def serve(request_path: str) -> None:
    with open(request_path, encoding="utf-8") as f:
        request = json.load(f)
    request["path"] = request_path
    save_model = _Models(os.path.dirname(request_path))
    try:
        if request["op"] == "inventory":
            reply = inventory(request["names"])
        elif request["op"] == "call":
            reply = call(request, save_model)
        else:
            reply = value(request, save_model)
    except Exception as e:  # the agent itself failed (e.g. a model that cannot be saved)
        reply = {"agent_error": f"{type(e).__name__}: {e}"[:500]}
    with open(request_path + ".reply", "w", encoding="utf-8") as f:
        f.write(transport.dumps(reply))
