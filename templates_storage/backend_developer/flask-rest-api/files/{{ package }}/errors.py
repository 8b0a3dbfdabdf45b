"""Every error leaves as application/problem+json (RFC 9457)."""
from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException


class ValidationError(Exception):
    def __init__(self, errors: list[dict]):
        super().__init__("invalid request body")
        self.errors = errors


def problem(status: int, title: str, detail: str | None = None, **extra):
    body = {"type": "about:blank", "title": title, "status": status, **extra}
    if detail:
        body["detail"] = detail
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ValidationError)
    def _validation(err: ValidationError):
        return problem(422, "Unprocessable Content", "the body is not valid", errors=err.errors)

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        return problem(err.code or 500, err.name, err.description)
