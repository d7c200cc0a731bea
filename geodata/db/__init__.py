"""The database: where it is (configured or embedded), its schema, migrations and bulk COPY."""
