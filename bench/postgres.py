"""The benchmarks' PostgreSQL: the tests' throwaway cluster (tests/support/postgres.py)."""

from tests.support.postgres import available, cluster, postgres_cluster

__all__ = ["available", "cluster", "postgres_cluster"]
