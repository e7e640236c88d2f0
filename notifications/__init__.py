"""Notices out of the outbox: the relay and its channels (not a Temporal activity)."""
