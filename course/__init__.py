"""Helpers shared by the course's notebooks: grading, data, plots, widgets and the notebook build.

`import course` stays light: TensorFlow, matplotlib and ipywidgets load only in the functions
that need them.
"""

from course.grading import Result, check, exercises, grade

__all__ = ["Result", "check", "exercises", "grade"]
__version__ = "0.1.0"
