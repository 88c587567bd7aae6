"""Staff accounts and their security: passwords, sessions, API tokens, login throttling, audit."""
