"""segmenter's two front ends: the ribbon actions (ribbon.py, RunPython entry points) and the command
line (cli.py), with what both add to a report (runs.py). segmenter.py, beside this package, is the
module Excel and users call: it re-exports the entry points.
"""
