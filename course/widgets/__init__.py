"""The interactive widgets of the notebooks (ipywidgets), each a thin front-end over plain, testable functions."""
