"""Deterministic orchestration: the case and its matters."""
