"""What if: a year of cases simulated on the real workflows under a changed policy.

``baseline`` says how people behave (learned from the ledger or stated), ``change`` what
is different, ``schedule`` draws one year's cases from a seed, ``people`` acts them out on
``CaseWorkflow``/``MatterWorkflow`` on Temporal's time-skipping server (``server``), and
``outcomes`` reads the figures back from the run's own throwaway ledger.
"""
