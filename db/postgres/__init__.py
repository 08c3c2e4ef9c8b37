"""PostgreSQL, the source of truth: engine, models, migrations and every SQL module."""
