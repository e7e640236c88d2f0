"""Pydantic models that cross a boundary (API, workflow, activity). Imports nothing of ours."""
