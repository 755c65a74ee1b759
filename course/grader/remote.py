"""The stand-in for a learner's function: `kit.call` sends it the check's arguments, it runs them in the kernel.

What comes back is decoded as plain data (course.grader.transport); a Keras model is loaded from its `.keras`
file with safe_mode=True, so no code of the submission runs in the grader's process.
"""

from __future__ import annotations

from pathlib import Path

from course.checks import kit
from course.grader import transport
from course.grader.kernel import Kernel, KernelFailed
from course.grading import limits, text
from course.grading.text import cap


def load_model(path):
    import keras

    return keras.models.load_model(path, safe_mode=True, compile=False)


def encode_args(args: tuple, folder: Path | None = None) -> list:
    """The check's arguments for the agent as plain data: a Given is built here (the kernel holds no references),
    a Keras model saved as a `.keras` file into `folder`; a Given that is not plain data (a function) travels as
    its import path and plain-data arguments."""
    saved = []

    def save_model(model) -> str:
        saved.append(f"grader-model-{len(saved) + 1}-{id(args)}.keras")
        model.save(folder / saved[-1])
        return saved[-1]

    encoded = []
    for a in args:
        value = a.value if isinstance(a, kit.Given) else a
        data = transport.encode(value, save_model=save_model if folder is not None else None)
        if (
            isinstance(a, kit.Given)
            and not isinstance(a, kit.Described)
            and isinstance(data, dict)
            and "opaque" in data
        ):
            data = {"given": a.function, "args": transport.encode(a.args)}
        encoded.append(data)
    return encoded


def decode_reply(kernel: Kernel, data):
    """Plain data from an agent's reply; a model file is taken only from the submission's agent folder."""
    return transport.decode(data, load_model=lambda name: load_model(kernel.model_path(name)))


class RemoteFunction(kit.Remote):
    """The learner's function `name`, defined in the submission's kernel."""

    def __init__(self, kernel: Kernel, name: str):
        self.kernel, self.__name__ = kernel, name

    def __call__(self, *args):  # grade() asks callable(); checks call it only through kit.call
        raise TypeError("a submission's function runs only through kit.call")

    def run_call(self, args, *, wrap=None, time_limit=limits.TIME_LIMIT, convert=True) -> limits.Outcome:
        request = {
            "op": "call",
            "name": self.__name__,
            "args": encode_args(tuple(args), self.kernel.agent_dir),
            "wrap": wrap,
        }
        request["time_limit"] = time_limit
        try:
            reply = self.kernel.request(request, time_limit)
        except KernelFailed as e:
            status = "timeout" if e.timed_out else "exit"
            return limits.Outcome(status=status, error="a fatal error (its kernel died)", message=str(e))
        if "agent_error" in reply:
            return limits.Outcome(status="raised", error="GraderError", message=str(reply["agent_error"]))
        try:
            return limits.Outcome(
                status=str(reply["status"]),
                value=decode_reply(self.kernel, reply["value"]),
                args=tuple(decode_reply(self.kernel, reply["args"]) or ()),
                error=str(reply.get("error") or ""),
                error_types=tuple(map(str, reply.get("error_types") or ())),
                message=cap(str(reply.get("message") or ""), text.MESSAGE),
                faults=tuple(map(str, reply.get("faults") or ())),
                printed=cap(str(reply.get("printed") or ""), text.PRINTED_KEPT + 100),
                seconds=float(reply.get("seconds") or 0.0),
            )
        except (KeyError, TypeError, ValueError) as e:
            message = f"the reply from the submission's kernel was not plain data ({type(e).__name__})"
            return limits.Outcome(status="raised", error="GraderError", message=message)
