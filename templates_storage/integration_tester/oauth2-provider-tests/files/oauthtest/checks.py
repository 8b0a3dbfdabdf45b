"""The checks, each returning its problems (empty: the server behaved).

Client credentials grant (RFC 6749 4.4), error answers (RFC 6749 5.2), discovery (OpenID
Connect Discovery 1.0 / RFC 8414) and JWT access tokens (RFC 9068) verified against the
server's JWKS.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from .jwt import InvalidToken, verify


@dataclass(frozen=True)
class Settings:
    issuer: str = "{{ issuer_url }}"
    client_id: str = ""
    client_secret: str = ""
    scope: str = "{{ scope }}"
    audience: str = "{{ audience }}"
    timeout: float = 10.0


def http(url: str, form: dict[str, str] | None = None, headers: dict[str, str] | None = None,
         timeout: float = 10.0) -> tuple[int, dict]:
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=data, headers={"Accept": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as err:
        body = err.read()
        try:
            return err.code, json.loads(body or b"{}")
        except ValueError:
            return err.code, {"raw": body[:200].decode(errors="replace")}


class Server:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        _, self.discovery = http(f"{settings.issuer}/.well-known/openid-configuration", timeout=settings.timeout)

    def token(self, secret: str | None = None, scope: str | None = None, grant: str = "client_credentials",
              authenticate: bool = True) -> tuple[int, dict]:
        form = {"grant_type": grant, "scope": scope if scope is not None else self.settings.scope}
        headers: dict[str, str] = {}
        secret = self.settings.client_secret if secret is None else secret
        if authenticate:
{%- if client_auth == 'client_secret_basic' %}
            # RFC 6749 2.3.1: id and secret are form-encoded before Basic encoding.
            pair = f"{urllib.parse.quote(self.settings.client_id, safe='')}:{urllib.parse.quote(secret, safe='')}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
{%- else %}
            form.update(client_id=self.settings.client_id, client_secret=secret)
{%- endif %}
        return http(self.discovery["token_endpoint"], form, headers, self.settings.timeout)

    def jwks(self) -> dict:
        return http(self.discovery["jwks_uri"], timeout=self.settings.timeout)[1]


def check_discovery(server: Server) -> list[str]:
    doc, problems = server.discovery, []
    if doc.get("issuer") != server.settings.issuer:
        problems.append(f"issuer is {doc.get('issuer')!r}, expected {server.settings.issuer!r}")
    for field in ("token_endpoint", "jwks_uri"):
        if not str(doc.get(field, "")).startswith(("https://", "http://")):
            problems.append(f"{field} missing or not a URL")
    if "client_credentials" not in doc.get("grant_types_supported", ["client_credentials"]):
        problems.append("grant_types_supported does not list client_credentials")
    if "{{ client_auth }}" not in doc.get("token_endpoint_auth_methods_supported", ["client_secret_basic"]):
        problems.append("token_endpoint_auth_methods_supported does not list {{ client_auth }}")
    return problems


def check_client_credentials_token(server: Server) -> list[str]:
    status, body = server.token()
    if status != 200:
        return [f"token request answered {status}: {body}"]
    problems = []
    if str(body.get("token_type", "")).lower() != "bearer":
        problems.append(f"token_type is {body.get('token_type')!r}, expected Bearer")
    if not isinstance(body.get("expires_in"), int) or body["expires_in"] <= 0:
        problems.append("expires_in missing or not a positive integer")
    if "refresh_token" in body:
        problems.append("a refresh token was issued to a client credentials grant (RFC 6749 4.4.3)")
    try:
        claims = verify(body.get("access_token", ""), server.jwks(),
                        issuer=server.settings.issuer, audience=server.settings.audience)
    except InvalidToken as err:
        return [*problems, f"access token: {err}"]
    granted = set(str(claims.get("scope", body.get("scope", ""))).split())
    missing = set(server.settings.scope.split()) - granted
    if missing:
        problems.append(f"scopes {sorted(missing)} were requested but not granted")
    return problems


def _error(server: Server, label: str, expected_status: set[int], expected_error: set[str], **request) -> list[str]:
    status, body = server.token(**request)
    problems = []
    if status not in expected_status:
        problems.append(f"{label}: answered {status}, expected {sorted(expected_status)}")
    if body.get("error") not in expected_error:
        problems.append(f"{label}: error is {body.get('error')!r}, expected one of {sorted(expected_error)}")
    return problems


def check_wrong_secret_is_invalid_client(server: Server) -> list[str]:
    return _error(server, "wrong secret", {400, 401}, {"invalid_client"}, secret="not-the-secret")


def check_no_credentials_is_refused(server: Server) -> list[str]:
    return _error(server, "no credentials", {400, 401}, {"invalid_client", "invalid_request"}, authenticate=False)


def check_unknown_scope_is_refused(server: Server) -> list[str]:
    return _error(server, "unknown scope", {400}, {"invalid_scope"}, scope="no-such-scope-for-tests")


def check_unsupported_grant_is_refused(server: Server) -> list[str]:
    return _error(server, "unsupported grant", {400}, {"unsupported_grant_type", "unauthorized_client"},
                  grant="urn:example:no-such-grant")


CHECKS = [
    check_discovery,
    check_client_credentials_token,
    check_wrong_secret_is_invalid_client,
    check_no_credentials_is_refused,
    check_unknown_scope_is_refused,
    check_unsupported_grant_is_refused,
]


def run_all(server: Server) -> dict[str, list[str]]:
    return {check.__name__.removeprefix("check_"): check(server) for check in CHECKS}
