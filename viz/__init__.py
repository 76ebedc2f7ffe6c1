"""Figures and the classroom app (``viz.app``); depends on ``model``, never the reverse."""
