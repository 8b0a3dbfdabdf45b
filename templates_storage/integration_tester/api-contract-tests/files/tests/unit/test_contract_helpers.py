"""Offline tests of the contract helpers against small inline documents."""

from __future__ import annotations

import httpx
import pytest

from contract import ContractViolation, OpenAPIContract

SPEC_31 = {
    "openapi": "3.1.0",
    "info": {"title": "Pets", "version": "1.0.0"},
    "paths": {
        "/pets": {
            "get": {
                "operationId": "listPets",
                "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}],
                "responses": {
                    "200": {
                        "description": "A page of pets",
                        "headers": {"X-Total": {"required": True, "schema": {"type": "integer"}}},
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Pet"},
                                }
                            }
                        },
                    }
                },
            },
            "post": {
                "operationId": "createPet",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"example": {"name": "Rex"}}},
                },
                "responses": {"201": {"$ref": "#/components/responses/PetCreated"}},
            },
        },
        "/pets/{petId}": {
            "parameters": [
                {
                    "name": "petId",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "example": 7},
                }
            ],
            "get": {
                "operationId": "getPet",
                "responses": {
                    "200": {
                        "description": "One pet",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                        },
                    },
                    "4XX": {"description": "Client error"},
                },
            },
        },
        "/pets/mine": {"get": {"responses": {"204": {"description": "Nothing"}}}},
    },
    "components": {
        "schemas": {
            "Pet": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string", "minLength": 1},
                    "tag": {"type": ["string", "null"]},
                },
            }
        },
        "responses": {
            "PetCreated": {
                "description": "Created",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}},
            }
        },
    },
}


def reply(method: str, path: str, status: int, **kwargs) -> httpx.Response:
    return httpx.Response(status, request=httpx.Request(method, f"http://svc.test{path}"), **kwargs)


@pytest.fixture
def contract() -> OpenAPIContract:
    return OpenAPIContract(SPEC_31)


def test_conforming_response_passes(contract: OpenAPIContract) -> None:
    pets = [{"id": 1, "name": "Rex", "tag": None}]
    contract.check(reply("GET", "/pets", 200, json=pets, headers={"X-Total": "1"}))


def test_schema_errors_are_listed_with_their_location(contract: OpenAPIContract) -> None:
    body = [{"id": "1", "name": ""}]
    with pytest.raises(ContractViolation) as caught:
        contract.check(reply("GET", "/pets", 200, json=body, headers={"X-Total": "1"}))
    problems = "\n".join(caught.value.problems)
    assert "body[0]['id']" in problems
    assert "body[0]['name']" in problems


def test_missing_required_header_is_a_violation(contract: OpenAPIContract) -> None:
    with pytest.raises(ContractViolation, match="X-Total"):
        contract.check(reply("GET", "/pets", 200, json=[]))


def test_undocumented_status_is_a_violation(contract: OpenAPIContract) -> None:
    with pytest.raises(ContractViolation, match="status 500 is not documented"):
        contract.check(reply("GET", "/pets", 500))


def test_status_ranges_and_response_refs(contract: OpenAPIContract) -> None:
    contract.check(reply("GET", "/pets/7", 404))  # matched by 4XX
    contract.check(reply("POST", "/pets", 201, json={"id": 2, "name": "Fido"}))
    with pytest.raises(ContractViolation):
        contract.check(reply("POST", "/pets", 201, json={"name": "Fido"}))


def test_wrong_content_type_is_a_violation(contract: OpenAPIContract) -> None:
    response = reply(
        "GET", "/pets/7", 200, text="<p>pet</p>", headers={"Content-Type": "text/html"}
    )
    with pytest.raises(ContractViolation, match="content type 'text/html'"):
        contract.check(response)


def test_literal_paths_win_over_templates(contract: OpenAPIContract) -> None:
    assert contract.match("GET", "/pets/mine").path == "/pets/mine"
    assert contract.match("GET", "/pets/42").path == "/pets/{petId}"
    with pytest.raises(KeyError):
        contract.match("DELETE", "/pets/42")


def test_examples_make_operations_callable(contract: OpenAPIContract) -> None:
    get_pet = contract.by_id("getPet")
    arguments = get_pet.example_arguments()
    assert arguments is not None
    assert get_pet.url_path(arguments["path"]) == "/pets/7"
    assert contract.request_example(contract.by_id("createPet")) == (True, {"name": "Rex"})


def test_openapi_30_nullable_is_understood() -> None:
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "Legacy", "version": "1"},
        "paths": {
            "/thing": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "note": {"type": "string", "nullable": True},
                                            "score": {
                                                "type": "number",
                                                "minimum": 0,
                                                "exclusiveMinimum": True,
                                            },
                                        },
                                    }
                                }
                            },
                        }
                    }
                }
            }
        },
    }
    contract = OpenAPIContract(spec)
    contract.check(reply("GET", "/thing", 200, json={"note": None, "score": 0.5}))
    with pytest.raises(ContractViolation, match="score"):
        contract.check(reply("GET", "/thing", 200, json={"note": None, "score": 0}))
