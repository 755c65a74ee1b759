"""`course.reference(...)` in a graded kernel: a stand-in that asks the grader to run the course's reference.

The kernel never holds the references (the sandbox hides `course/references/`). The stand-in sends its
arguments as plain data over a Unix socket in the folder the kernel shares with the grader; the grader's
`ReferenceServer` runs the reference on them and counts, per exercise, how often it ran. A graded call of an
exercise during which its own reference ran scores 0, however the call was wrapped (course.grader.submission).
"""

from __future__ import annotations

import json
import os
import socket
import struct
import threading
from collections import Counter

from course.grader import transport

MAX_MESSAGE = 32 * 2**20  # bytes of a request or a reply
TIME_LIMIT = 30.0  # seconds for one reference call


def _send(sock: socket.socket, data) -> None:
    body = transport.dumps(data).encode()
    sock.sendall(struct.pack("!Q", len(body)) + body)


def _receive(sock: socket.socket):
    def exactly(n: int) -> bytes:
        chunks = b""
        while len(chunks) < n:
            chunk = sock.recv(min(n - len(chunks), 2**20))
            if not chunk:
                raise ConnectionError("the other side closed the connection")
            chunks += chunk
        return chunks

    (size,) = struct.unpack("!Q", exactly(8))
    if size > MAX_MESSAGE:
        raise ValueError("message too large")
    return json.loads(exactly(size))


def stand_in(exercise_id: str):
    """What `course.reference(exercise_id)` returns in a graded kernel (installed by course.grader.launch)."""
    name = str(exercise_id).split(".")[-1]

    def skipped(*args):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.connect(os.environ["COURSE_REFERENCE_SOCKET"])
            _send(sock, {"exercise": exercise_id, "args": [transport.encode(a) for a in args]})
            reply = _receive(sock)
        if "error" in reply:
            raise RuntimeError(f"course.reference({exercise_id!r}): {reply['error']}")
        return transport.decode(reply["value"])

    skipped.__name__ = skipped.__qualname__ = name
    skipped.__course_reference__ = exercise_id
    return skipped


class ReferenceServer:
    """Runs the course's references for one kernel, on plain data; `runs[exercise]` counts the calls."""

    def __init__(self, path: str):
        self.path, self.runs = path, Counter()
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        os.chmod(path, 0o777)  # the kernel runs as a user of its own
        self.sock.listen(4)
        threading.Thread(target=self._serve, daemon=True, name="course-references").start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:  # closed
                return
            with connection:
                connection.settimeout(TIME_LIMIT)
                try:
                    _send(connection, self._answer(_receive(connection)))
                except (OSError, ValueError):
                    pass

    def _answer(self, request) -> dict:
        from course.grading import engine, limits

        exercise_id = str(request.get("exercise")) if isinstance(request, dict) else ""
        try:
            answer = engine.reference_answer(exercise_id)
            args = tuple(transport.decode(a) for a in request.get("args", ()))
        except (TypeError, ValueError) as e:
            return {"error": str(e)[:200]}
        self.runs[exercise_id] += 1
        outcome = limits.run(answer, args, time_limit=TIME_LIMIT)
        if outcome.status != "ok":
            return {"error": f"the reference failed on these arguments ({outcome.error or outcome.status})"}
        return {"value": transport.encode(outcome.value)}

    def close(self) -> None:
        self.sock.close()
