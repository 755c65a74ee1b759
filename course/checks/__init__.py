"""The checks of the graded exercises, one or more modules per topic (named after the topic), all written with the kit (`kit.py`).

To add a notebook's exercises:
1. put the reference answers in `course/references/<topic>.py`, one function per exercise under the exercise's name,
   plus the typical wrong variants you want to recognise (keyword switches or small helpers);
2. write `course/checks/<topic>.py`: one `@register("<topic>.<name>")` function per exercise that calls the learner's
   function only through `kit.call` (on `Given` inputs or plain arrays), turns the result into arrays with
   `kit.array`/`kit.items` and compares it with `kit.expect`, listing the wrong variants' outputs and the message
   that names each; branch on the kit's typed Mistakes, never on message text; keep the module under ~250 lines;
3. write the solution cells in `solutions/NN_<name>.ipynb` between `### BEGIN SOLUTION` and `### END SOLUTION`,
   each followed by a `check(<name>)` cell.
`tests/test_exercises.py` then finds the new exercises by itself (solution passes, stub fails, odd answers named,
no corruption); a topic test file adds only the typical-mistake tests.
"""
