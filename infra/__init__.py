"""Plumbing without business rules: settings, database, unit of work, clock, translations.

Errors raised here::

    SettingsError   configuration refused at start (placeholder secret, bad URL)
"""

from infra.clock import Clock, FrozenClock, SystemClock
from infra.settings import Settings, SettingsError, load_settings

__all__ = ["Clock", "FrozenClock", "Settings", "SettingsError", "SystemClock", "load_settings"]
