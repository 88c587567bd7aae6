"""What Déclic writes on its own, on schedule: reminders, check-ins, nudges."""
