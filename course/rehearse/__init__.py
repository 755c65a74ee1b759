"""Rehearse a workshop: N simulated learners run a notebook through a real JupyterHub, timed and measured.

`python -m course rehearse --users N --notebook 04_cnn --out DIR` starts a JupyterHub on 127.0.0.1 (`hub`), or
uses a real one with `--hub URL --token TOKEN` (`api`); each learner (`learner`) logs in, spawns, uploads the
notebook with every exercise skipped by its reference line (`answers`) and runs it cell by cell over the kernel
websocket; `monitor` samples memory and CPU on the hub's machine; `report` and `timeline` write what was found.
"""
