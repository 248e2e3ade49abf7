"""Advanced Hunting in the emulator: each tenant's events in a DuckDB file built from its
world, and the KQL engine answering queries over them with the service's limits."""
