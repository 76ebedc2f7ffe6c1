"""The shipped scenarios, as package data: YAML files only, no code.

This file makes the folder an importable package so that the scenarios travel
with an installed wheel and are found through :mod:`importlib.resources`
(``model.scenario_files.shipped_scenarios``). ``cases/`` holds the real
campaigns (a scenario and its observed data), ``sweeps/`` the sweep files and
``data/`` the ego-Facebook edge list.
"""
