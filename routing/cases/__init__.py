"""Requests routed to people: teams, rules, service levels, claims, replies, transfers, closing."""
