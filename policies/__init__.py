"""Jurisdiction policy packs as validated data, and the rules that read them."""
