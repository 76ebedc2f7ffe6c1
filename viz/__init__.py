"""Figures and (later) the classroom app; depends on ``model``, never the reverse."""
