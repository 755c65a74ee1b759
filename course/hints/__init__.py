"""Two hints per exercise, one module per topic: `HINTS = {name: (the idea, the key line's shape)}`.

`course.hint(step)` prints the first, `course.hint(step, 2)` the second; neither gives the answer away (that is
`course.solution(step)`, the reference's source).
"""
