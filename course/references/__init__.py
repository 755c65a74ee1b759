"""Reference answers: one module per topic, one function per function exercise under the exercise's name.

Each module also holds the typical wrong variants its checks recognise (as keyword switches or helpers), so a check
compares the learner's output with the reference's and names the variant it equals. `course.reference(id)` hands a
reference function to a learner who wants to skip an exercise.
"""

import importlib

for _topic in ("perceptron", "backprop", "convolution", "cnn", "transfer", "rnn", "attention"):
    if importlib.util.find_spec(f"{__name__}.{_topic}") is not None:
        importlib.import_module(f"{__name__}.{_topic}")
