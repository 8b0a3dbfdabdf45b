"""Data access for {{ entity }} rows: SQL in one place, parameters always bound."""
from dataclasses import dataclass
from datetime import datetime

import psycopg


@dataclass(frozen=True)
class {{ entity | capitalize }}:
    id: int
    email: str
    name: str
    created_at: datetime


class DuplicateEmail(Exception):
    pass


_COLUMNS = "id, email, name, created_at"
_LIVE = "{% if soft_delete %} AND deleted_at IS NULL{% endif %}"


class {{ entity | capitalize }}Repository:
    def __init__(self, conn: psycopg.Connection):
        self._conn = conn

    def create(self, email: str, name: str) -> {{ entity | capitalize }}:
        try:
            row = self._conn.execute(
                f"INSERT INTO {{ entity }} (email, name) VALUES (%s, %s) RETURNING {_COLUMNS}",
                (email, name),
            ).fetchone()
        except psycopg.errors.UniqueViolation as err:
            raise DuplicateEmail(email) from err
        return {{ entity | capitalize }}(**row)

    def get(self, id_: int) -> {{ entity | capitalize }} | None:
        row = self._conn.execute(
            f"SELECT {_COLUMNS} FROM {{ entity }} WHERE id = %s{_LIVE}", (id_,)
        ).fetchone()
        return {{ entity | capitalize }}(**row) if row else None

    def page(self, after_id: int = 0, limit: int = 50) -> list[{{ entity | capitalize }}]:
        """Keyset pagination: stable and index-only, unlike OFFSET on large tables."""
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM {{ entity }} WHERE id > %s{_LIVE} ORDER BY id LIMIT %s",
            (after_id, min(limit, 500)),
        ).fetchall()
        return [{{ entity | capitalize }}(**row) for row in rows]

    def delete(self, id_: int) -> bool:
{%- if soft_delete %}
        cur = self._conn.execute(
            "UPDATE {{ entity }} SET deleted_at = now() WHERE id = %s AND deleted_at IS NULL", (id_,)
        )
{%- else %}
        cur = self._conn.execute("DELETE FROM {{ entity }} WHERE id = %s", (id_,))
{%- endif %}
        return cur.rowcount == 1
