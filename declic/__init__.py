"""Déclic's composition roots and command line: settings, database, clock and sender wired here."""
