"""Liveness and readiness probes for load balancers and Kubernetes."""

from fastapi import APIRouter, Response, status

from .. import __version__{% if database != 'none' %}, db{% endif %}
from ..schemas import HealthStatus

router = APIRouter(prefix="/health", tags=["health"])


@router.get("/live", response_model=HealthStatus)
def live() -> HealthStatus:
    """The process is up and serving requests."""
    return HealthStatus(status="ok", version=__version__)


@router.get("/ready", response_model=HealthStatus)
def ready(response: Response) -> HealthStatus:
    """The service can do useful work: its dependencies answer."""
    checks: dict[str, str] = {}
{%- if database != 'none' %}
    checks["database"] = "ok" if db.ping() else "unavailable"
{%- endif %}
    healthy = all(value == "ok" for value in checks.values())
    if not healthy:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return HealthStatus(status="ok" if healthy else "degraded", version=__version__, checks=checks)
