"""Matching an idea against the directory: the pure matcher, suggestions recorded and answered."""
