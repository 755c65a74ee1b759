"""The batch grader: `python -m course grade SUBMISSIONS --out OUT`.

Each submitted notebook runs in its own kernel (course.grader.kernel), sealed in a bubblewrap sandbox
(course.grader.sandbox); the checks run here, in the grader's process, on plain data brought back from that kernel
(course.grader.remote); trained models are loaded and scored in a sandboxed evaluator (course.grader.evaluator).
docs/trust-model.md says what that protects, claim by claim, with the test that attacks each.
"""
