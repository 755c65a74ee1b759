"""Helpers shared by the course's notebooks: grading, data, plots, widgets and the notebook build.

`import course` stays light: TensorFlow, matplotlib and ipywidgets load only in the functions
that need them.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # before TensorFlow loads: no C++ log lines in notebooks

from course import quiet  # noqa: E402
from course.grading import Result, check, exercises, grade, reference  # noqa: E402

quiet.install()

__all__ = ["Result", "check", "exercises", "grade", "reference"]
__version__ = "0.1.0"
