"""Activity names, so workflow code refers to activities without importing their code."""

RECORD_EVENT = "record_event"
