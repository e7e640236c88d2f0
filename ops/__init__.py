"""Commands for ops staff, run as ``python -m ops.<command>``."""
