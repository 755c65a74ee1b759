"""The checks of the graded exercises: one module per topic, each registering its exercises."""
