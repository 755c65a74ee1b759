"""Every function exercise's solution passes where the batch grader grades it: in a sealed kernel, which holds no
references, on its visible cases and on its hidden cases (a check whose inputs the kernel cannot build fails here);
and the grader's folder keeps no request once answered (its size is checked after every call)."""

from collections import defaultdict

import pytest
from conftest import notebook_of
from submissions import definitions_only

import course
from course.grader import sandbox
from course.grader.kernel import Kernel
from course.grader.remote import RemoteFunction
from course.grading import engine, registry

BY_NOTEBOOK = defaultdict(list)
for _id in course.exercises():
    if registry.exercise(_id).kind == "function":
        BY_NOTEBOOK[notebook_of(_id)].append(_id)


@pytest.mark.skipif(sandbox.problem() is not None, reason=f"no sandbox here: {sandbox.problem()}")
@pytest.mark.parametrize("notebook", sorted(BY_NOTEBOOK))
def test_every_solution_passes_in_a_sealed_kernel(notebook):
    failed = []
    with Kernel(definitions_only(notebook), notebook, timeout=600) as kernel:
        assert kernel.sandboxed
        for exercise_id in BY_NOTEBOOK[notebook]:
            for seed in (None, 1):
                result = engine.grade(exercise_id, RemoteFunction(kernel, exercise_id.split(".")[1]), seed=seed)
                if not result.passed:
                    failed.append(f"{exercise_id} (seed {seed}): {result.feedback}")
        left = sorted(p.name for p in kernel.agent_dir.glob("request-*"))  # each call's files go once read
    assert failed == []
    assert left == []
