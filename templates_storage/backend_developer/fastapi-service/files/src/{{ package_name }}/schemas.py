"""Request and response models of the public API."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class ItemCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200, examples=["Widget"])
    description: str | None = Field(default=None, max_length=2000)
    price_cents: int = Field(ge=0, examples=[1999])


class ItemUpdate(BaseModel):
    description: str | None = Field(default=None, max_length=2000)
    price_cents: int | None = Field(default=None, ge=0)


class Item(ItemCreate):
    model_config = ConfigDict(from_attributes=True)

    id: int
    created_at: datetime


class HealthStatus(BaseModel):
    status: str
    version: str
    checks: dict[str, str] = Field(default_factory=dict)
