"""Imports and exports of a plan's actions, targets and risks as CSV and XLSX (issue #5).

``tables`` reads and writes the files, ``kinds`` knows each kind's columns and
turns a table into a checked list of changes, ``views`` stays thin.
"""
