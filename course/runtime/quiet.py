"""Keep TensorFlow's start-up messages out of notebooks.

TensorFlow 2.21 writes C++ log lines to the process's stderr while it loads ("Could not find cuda drivers ...",
"oneDNN custom operations are on ..."), whatever TF_CPP_MIN_LOG_LEVEL says, and Jupyter shows them under the cell.
`import course` installs an import hook that sends file descriptor 2 to /dev/null while `tensorflow` itself is
imported (only then; a Python error during the import still shows). Import `course` before `keras` or `tensorflow`.
Set TF_CPP_MIN_LOG_LEVEL=0 (or 1) before importing course to see the messages.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.util
import os
import sys


class _Silenced(importlib.abc.Loader):
    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 2)
            self.loader.exec_module(module)
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            os.close(devnull)


class _QuietTensorFlow(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != "tensorflow":
            return None
        sys.meta_path.remove(self)  # once only, and the real finders locate the package
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = _Silenced(spec.loader)
        return spec


def install() -> None:
    """Silence TensorFlow's start-up messages, unless TF_CPP_MIN_LOG_LEVEL asks for them or TF is loaded already."""
    wanted = os.environ.get("TF_CPP_MIN_LOG_LEVEL", "3")
    if "tensorflow" in sys.modules or wanted not in ("2", "3"):
        return
    if not any(isinstance(finder, _QuietTensorFlow) for finder in sys.meta_path):
        sys.meta_path.insert(0, _QuietTensorFlow())


@contextlib.contextmanager
def native_stderr():
    """Send what native code writes to file descriptor 2 to the null device while the block runs."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
