"""Keep native libraries' start-up messages out of notebooks.

TensorFlow's C++ code writes "Could not find cuda drivers on your machine" and the like straight to
the process's stderr while it loads; TF_CPP_MIN_LOG_LEVEL does not silence all of them, and
Jupyter shows them under the cell. Python's own warnings and errors are not affected.
"""

import contextlib
import os
import sys


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
