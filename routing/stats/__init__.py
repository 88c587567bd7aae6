"""Coordinator statistics over journey events, with privacy built in."""
