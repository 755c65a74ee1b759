"""Helpers shared by the course's notebooks: grading, data, plots, widgets and the notebook build.

`import course` stays light: TensorFlow, matplotlib and ipywidgets load only in the functions
that need them.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # before TensorFlow loads: no C++ log lines in notebooks

from course.grading.engine import Result, grade, reference  # noqa: E402
from course.grading.help import hint, solution  # noqa: E402
from course.grading.notebook import check  # noqa: E402
from course.grading.registry import exercise, exercises  # noqa: E402
from course.runtime import quiet  # noqa: E402
from course.runtime.cpus import limit_threads, use_cpus, use_onednn  # noqa: E402

quiet.install()
limit_threads()  # TensorFlow's thread pools sized to a container's CPU quota, not to the node's cores
use_onednn()  # oneDNN's kernels: about twice as fast convolutions on AVX2 CPUs, where TensorFlow leaves them off


def progress():
    """The learner's progress table: every exercise, passed / tried / not started, with totals."""
    from course.grading.progress import progress

    return progress()


__all__ = ["Result", "check", "exercise", "exercises", "grade", "hint", "progress", "reference", "solution", "use_cpus"]
__version__ = "0.1.0"
