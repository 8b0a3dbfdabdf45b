import pytest

from {{ package }} import create_app


@pytest.fixture()
def client():
    app = create_app({"TESTING": True{% if auth == 'api_key' %}, "API_KEYS": {"test-key"}{% endif %}})
    return app.test_client()

{% if auth == 'api_key' %}
HEADERS = {"X-API-Key": "test-key"}
{% else %}
HEADERS = {}
{% endif %}

def test_create_then_read(client):
    created = client.post("/{{ resource }}s", json={"name": "first", "quantity": 2}, headers=HEADERS)
    assert created.status_code == 201
    fetched = client.get(created.headers["Location"], headers=HEADERS)
    assert fetched.get_json()["name"] == "first"


def test_invalid_body_is_a_problem(client):
    response = client.post("/{{ resource }}s", json={"name": ""}, headers=HEADERS)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["errors"][0]["pointer"] == "/name"
{%- if auth == 'api_key' %}


def test_requires_an_api_key(client):
    assert client.get("/{{ resource }}s").status_code == 401
{%- endif %}


def test_health(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
