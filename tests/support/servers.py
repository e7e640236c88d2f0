"""The tests start the time-skipping server as the what-if simulation does."""

from simulation.server import start_test_server

__all__ = ["start_test_server"]
