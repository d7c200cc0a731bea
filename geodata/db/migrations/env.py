"""Alembic environment: runs on the connection that :mod:`geodata.db.migrate` passes in."""

from alembic import context

from geodata.db.migrate import include_object
from geodata.db.schema import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    transaction_per_migration=True,
    include_object=include_object,
)
with context.begin_transaction():
    context.run_migrations()
