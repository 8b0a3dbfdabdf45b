"""HTTP routers. Versioned resources live under /api/v1; probes live under /health."""

from fastapi import APIRouter

from . import health, items

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(items.router)

__all__ = ["api_router", "health"]
