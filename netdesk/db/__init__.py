"""Persistence: SQLAlchemy tables, engine, repository queries, full-text index and Alembic migrations."""
