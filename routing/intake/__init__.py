"""The intake: the pure dialogue that turns a resident's words into an idea draft, and what free
text tells."""
