"""The verbs of the system, shared by the API, the console (through the API) and ops.

Services raise the errors of `domain.errors`; `api/errors.py` maps them to HTTP once.
"""
