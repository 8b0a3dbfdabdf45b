"""Items: an example resource showing validation, status codes and error handling."""

{% if database != 'none' -%}
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db import get_session
from ..models import ItemRecord
from ..schemas import Item, ItemCreate, ItemUpdate

router = APIRouter(prefix="/items", tags=["items"])
SessionDep = Annotated[Session, Depends(get_session)]


def _get_or_404(session: Session, item_id: int) -> ItemRecord:
    record = session.get(ItemRecord, item_id)
    if record is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"item {item_id} not found")
    return record


@router.get("", response_model=list[Item])
def list_items(
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[ItemRecord]:
    query = select(ItemRecord).order_by(ItemRecord.id).limit(limit).offset(offset)
    return list(session.scalars(query))


@router.post("", response_model=Item, status_code=status.HTTP_201_CREATED)
def create_item(payload: ItemCreate, session: SessionDep) -> ItemRecord:
    record = ItemRecord(**payload.model_dump())
    session.add(record)
    try:
        session.flush()
    except IntegrityError as exc:
        raise HTTPException(
            status.HTTP_409_CONFLICT, detail=f"item {payload.name!r} already exists"
        ) from exc
    session.refresh(record)  # read back server-side values exactly as later GETs will see them
    return record


@router.get("/{item_id}", response_model=Item)
def get_item(item_id: int, session: SessionDep) -> ItemRecord:
    return _get_or_404(session, item_id)


@router.patch("/{item_id}", response_model=Item)
def update_item(item_id: int, payload: ItemUpdate, session: SessionDep) -> ItemRecord:
    record = _get_or_404(session, item_id)
    for field, value in payload.model_dump(exclude_unset=True).items():
        setattr(record, field, value)
    session.flush()
    session.refresh(record)
    return record


@router.delete("/{item_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_item(item_id: int, session: SessionDep) -> None:
    session.delete(_get_or_404(session, item_id))
{%- else -%}
from datetime import UTC, datetime
from itertools import count
from threading import Lock
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status

from ..schemas import Item, ItemCreate, ItemUpdate

router = APIRouter(prefix="/items", tags=["items"])


class InMemoryItems:
    """Process-local store. Swap for a database-backed repository in production."""

    def __init__(self) -> None:
        self._items: dict[int, Item] = {}
        self._ids = count(1)
        self._lock = Lock()

    def list(self, limit: int, offset: int) -> list[Item]:
        with self._lock:
            return sorted(self._items.values(), key=lambda i: i.id)[offset : offset + limit]

    def create(self, payload: ItemCreate) -> Item:
        with self._lock:
            if any(i.name == payload.name for i in self._items.values()):
                raise HTTPException(
                    status.HTTP_409_CONFLICT, detail=f"item {payload.name!r} already exists"
                )
            item = Item(id=next(self._ids), created_at=datetime.now(UTC), **payload.model_dump())
            self._items[item.id] = item
            return item

    def get(self, item_id: int) -> Item:
        with self._lock:
            if item_id not in self._items:
                raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"item {item_id} not found")
            return self._items[item_id]

    def update(self, item_id: int, payload: ItemUpdate) -> Item:
        item = self.get(item_id)
        updated = item.model_copy(update=payload.model_dump(exclude_unset=True))
        with self._lock:
            self._items[item_id] = updated
        return updated

    def delete(self, item_id: int) -> None:
        self.get(item_id)
        with self._lock:
            del self._items[item_id]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._ids = count(1)


store = InMemoryItems()


@router.get("", response_model=list[Item])
def list_items(
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[Item]:
    return store.list(limit, offset)


@router.post("", response_model=Item, status_code=status.HTTP_201_CREATED)
def create_item(payload: ItemCreate) -> Item:
    return store.create(payload)


@router.get("/{item_id}", response_model=Item)
def get_item(item_id: int) -> Item:
    return store.get(item_id)


@router.patch("/{item_id}", response_model=Item)
def update_item(item_id: int, payload: ItemUpdate) -> Item:
    return store.update(item_id, payload)


@router.delete("/{item_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_item(item_id: int) -> None:
    store.delete(item_id)
{%- endif %}
