"""Persistence: SQLAlchemy models, the repository that holds every query, migrations."""
