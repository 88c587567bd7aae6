"""Alembic environment and versions; ``declic db upgrade`` runs them."""
