"""What is kept about a resident (/mesdonnees) and forgetting it (/oublier)."""
