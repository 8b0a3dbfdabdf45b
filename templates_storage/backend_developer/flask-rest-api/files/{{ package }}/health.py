from flask import Blueprint

health = Blueprint("health", __name__)


@health.get("/healthz")
def liveness():
    return {"status": "ok"}


@health.get("/readyz")
def readiness():
    return {"status": "ready"}
