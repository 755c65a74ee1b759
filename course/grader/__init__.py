"""The batch grader: `python -m course grade SUBMISSIONS --out OUT`.

Each submitted notebook runs in its own kernel (course.grader.kernel); the checks run here, in the grader's
process, on plain data brought back from that kernel (course.grader.remote), so submitted code cannot reach them.
"""
