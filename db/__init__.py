"""Persistence: SQLAlchemy models, sessions, migrations, repository and the corpus folder."""
