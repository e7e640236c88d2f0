"""SQL storage: the ledger (台账), the case projection, case-id sequences."""
