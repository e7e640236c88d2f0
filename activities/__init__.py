"""Side effects of a case: ledger and projection writes."""
