from fastapi.testclient import TestClient

ITEMS = "/api/v1/items"


def test_create_and_get(client: TestClient) -> None:
    created = client.post(ITEMS, json={"name": "Widget", "price_cents": 1999})
    assert created.status_code == 201
    item = created.json()
    assert item["name"] == "Widget"
    assert item["price_cents"] == 1999

    fetched = client.get(f"{ITEMS}/{item['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == item


def test_duplicate_name_conflicts(client: TestClient) -> None:
    assert client.post(ITEMS, json={"name": "Gadget", "price_cents": 5}).status_code == 201
    assert client.post(ITEMS, json={"name": "Gadget", "price_cents": 7}).status_code == 409


def test_validation_errors_are_422(client: TestClient) -> None:
    response = client.post(ITEMS, json={"name": "", "price_cents": -1})
    assert response.status_code == 422
    fields = {error["loc"][-1] for error in response.json()["detail"]}
    assert fields == {"name", "price_cents"}


def test_list_is_paginated(client: TestClient) -> None:
    for n in range(5):
        client.post(ITEMS, json={"name": f"item-{n}", "price_cents": n})
    page = client.get(ITEMS, params={"limit": 2, "offset": 2}).json()
    assert [item["name"] for item in page] == ["item-2", "item-3"]


def test_update_and_delete(client: TestClient) -> None:
    item_id = client.post(ITEMS, json={"name": "Lamp", "price_cents": 100}).json()["id"]

    patched = client.patch(f"{ITEMS}/{item_id}", json={"price_cents": 150})
    assert patched.status_code == 200
    assert patched.json()["price_cents"] == 150

    assert client.delete(f"{ITEMS}/{item_id}").status_code == 204
    assert client.get(f"{ITEMS}/{item_id}").status_code == 404
