"""What the 112 center does and records: incidents, dispatches, unit positions, audit, tokens."""
