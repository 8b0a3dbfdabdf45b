"""Connection pool and transactions (psycopg 3)."""
import os
from contextlib import contextmanager
from typing import Iterator

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

pool = ConnectionPool(
    conninfo=os.environ.get("DATABASE_URL", "postgresql://localhost/{{ package }}"),
    min_size=1,
    max_size={{ pool_size }},
    kwargs={"row_factory": dict_row},
    open=False,
)


@contextmanager
def transaction() -> Iterator[psycopg.Connection]:
    """One connection from the pool in one transaction: committed on success, rolled back on error."""
    with pool.connection() as conn:
        with conn.transaction():
            yield conn
