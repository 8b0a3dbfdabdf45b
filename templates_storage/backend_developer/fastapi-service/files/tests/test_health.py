from fastapi.testclient import TestClient


def test_live(client: TestClient) -> None:
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_ready_reports_checks(client: TestClient) -> None:
    response = client.get("/health/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
{%- if database != 'none' %}
    assert body["checks"] == {"database": "ok"}
{%- else %}
    assert body["checks"] == {}
{%- endif %}


def test_openapi_is_published_outside_production(client: TestClient) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/items" in response.json()["paths"]
