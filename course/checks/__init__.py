"""The checks of the graded exercises, one or more modules per topic (named after the topic), all written with the kit (`kit.py`).

To add a notebook's exercises:
1. put the reference answers in `course/references/<topic>.py`, one function per exercise under the exercise's name,
   plus the typical wrong variants you want to recognise (keyword switches or small helpers);
2. write `course/checks/<topic>.py`: one `@register("<topic>.<name>")` function per exercise that calls the learner's
   function only through `kit.call` (on `Given` inputs, named by import path, or plain arrays), turns the result
   into arrays with `kit.array`/`kit.items` and compares it with `kit.expect`, listing the wrong variants' outputs
   and the message that names each; loops over `kit.cases(visible, *draws)`, whose draws make the hidden cases
   from a seeded Generator so that each recognised mistake shows on them too; builds hand-written call texts with
   `kit.label` (so that a hidden case's inputs stay hidden); branches on the kit's typed Mistakes, never on message
   text; declares `uses=(...)`, the earlier exercises whose functions the solution calls, so that a failing answer
   is told which of them fails its own check; keep the module under ~250 lines;
3. write the solution cells in `solutions/NN_<name>.ipynb` between `### BEGIN SOLUTION` and `### END SOLUTION`,
   each followed by a `check(<name>)` cell.
`tests/test_exercises.py` and `tests/test_hidden.py` then find the new exercises by themselves (solution passes,
stub fails, odd answers named, no corruption, a table of the visible cases fails the hidden ones, hidden feedback
holds no hidden value, every typical mistake of the topic test is named on the hidden cases too); a topic test file
adds only the typical-mistake tests.
"""
