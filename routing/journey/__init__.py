"""The resident's journey: residents, ideas, transcripts and the anonymous milestones statistics
count."""
