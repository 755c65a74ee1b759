"""What grades an answer: the registry of exercises, the engine, the limits learner code runs under, the notebook's
`check`, and the learner's progress. The checks themselves are in course/checks, the answers in course/references."""
