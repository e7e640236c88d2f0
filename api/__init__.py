"""The FastAPI layer: thin routes over Temporal updates and queries and the SQL projection."""
