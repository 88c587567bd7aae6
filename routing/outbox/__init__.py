"""Every message to Telegram is a row first: the outbox sender and Telegram's sending limits."""
