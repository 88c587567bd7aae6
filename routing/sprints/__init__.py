"""The two-day support sprint: panel, rooms, the pure planner, booking, moving, cancelling, the
.ics."""
