"""Déclic."""
