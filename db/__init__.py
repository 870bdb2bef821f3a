"""Persistence: settings, models, the session factory, migrations and the file store."""
