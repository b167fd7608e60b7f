"""Homework: the safe reader, the exercise catalog, grading, step files, the checker CLI."""
