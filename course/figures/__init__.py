"""Figures the notebooks draw (matplotlib): shared plots, small networks, sequence models, live training curves."""
