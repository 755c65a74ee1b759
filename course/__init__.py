"""Helpers shared by the course's notebooks: grading, data, plots, widgets and the notebook build.

`import course` stays light: TensorFlow, matplotlib and ipywidgets load only in the functions
that need them.
"""

from course.cpus import use_cpus
from course.grading import Result, check, exercises, grade


def progress():
    """The learner's progress table: every exercise, passed / tried / not started, with totals."""
    from course.tracking import progress

    return progress()


__all__ = ["Result", "check", "exercises", "grade", "progress", "use_cpus"]
__version__ = "0.1.0"
