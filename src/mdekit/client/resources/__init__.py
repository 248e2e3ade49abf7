"""Resource groups of the client, one per entity group."""
