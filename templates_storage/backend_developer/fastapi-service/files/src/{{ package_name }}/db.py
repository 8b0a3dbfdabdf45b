"""Database engine, session factory and the FastAPI session dependency."""

from collections.abc import Iterator
from functools import lru_cache

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from .settings import get_settings


class Base(DeclarativeBase):
    """Declarative base for every ORM model of the service."""


@lru_cache
def get_engine() -> Engine:
    settings = get_settings()
{%- if database == 'postgres' %}
    if settings.database_url.startswith("sqlite"):
        # Tests and local experiments may point a PostgreSQL project at SQLite.
        return create_engine(settings.database_url, connect_args={"check_same_thread": False})
    return create_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_size,
        pool_pre_ping=True,
    )
{%- else %}
    return create_engine(settings.database_url, connect_args={"check_same_thread": False})
{%- endif %}


@lru_cache
def get_sessionmaker() -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(), expire_on_commit=False)


def get_session() -> Iterator[Session]:
    """Yield one session per request; commit on success, roll back on error."""
    session = get_sessionmaker()()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


def create_tables() -> None:
    from . import models  # noqa: F401  (registers the models on Base.metadata)

    Base.metadata.create_all(get_engine())


def ping() -> bool:
    """Return True when the database answers a trivial query."""
    try:
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
