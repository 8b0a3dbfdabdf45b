"""SOAP {{ soap_version }} plumbing for the tests: post an envelope, take the body (or fault
detail) out of the reply, validate it against schema/service.xsd with xmllint."""

from __future__ import annotations

import subprocess
import tempfile
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schema" / "service.xsd"
NS = "{{ target_namespace }}"
{%- if soap_version == '1.1' %}
ENVELOPE_NS = "http://schemas.xmlsoap.org/soap/envelope/"
{%- else %}
ENVELOPE_NS = "http://www.w3.org/2003/05/soap-envelope"
{%- endif %}


def qname(namespace: str, local: str) -> str:
    """ElementTree's name for an element in a namespace: "{namespace}local"."""
    return "{" + namespace + "}" + local


class SoapError(AssertionError):
    """The reply is not a SOAP {{ soap_version }} envelope with one body element."""


def headers(action: str) -> dict[str, str]:
{%- if soap_version == '1.1' %}
    # SOAP 1.1: text/xml, and the operation in the SOAPAction header (quoted).
    return {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{NS}/{action}"'}
{%- else %}
    # SOAP 1.2: application/soap+xml with the operation as the action parameter.
    return {"Content-Type": f'application/soap+xml; charset=utf-8; action="{NS}/{action}"'}
{%- endif %}


def post(endpoint: str, action: str, envelope: bytes, timeout: float = 15.0) -> tuple[int, bytes]:
    request = urllib.request.Request(endpoint, data=envelope, method="POST", headers=headers(action))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:  # faults come with 4xx/5xx statuses
        return err.code, err.read()


def payload(reply: bytes) -> tuple[ET.Element, bool]:
    """The body's element, or for a fault its detail element; and whether it was a fault."""
    try:
        root = ET.fromstring(reply)
    except ET.ParseError as err:
        raise SoapError(f"reply is not XML: {err}") from err
    if root.tag != qname(ENVELOPE_NS, "Envelope"):
        raise SoapError(f"reply root is {root.tag}, not a SOAP {{ soap_version }} Envelope")
    body = root.find(qname(ENVELOPE_NS, "Body"))
    if body is None or len(body) != 1:
        raise SoapError("reply has no Body with exactly one element")
    element = body[0]
    if element.tag != qname(ENVELOPE_NS, "Fault"):
        return element, False
{%- if soap_version == '1.1' %}
    detail = element.find("detail")
{%- else %}
    detail = element.find(qname(ENVELOPE_NS, "Detail"))
{%- endif %}
    if detail is None or len(detail) != 1:
        raise SoapError("fault without exactly one detail element")
    return detail[0], True


def schema_errors(element: ET.Element) -> list[str]:
    """xmllint's complaints about `element` against the service schema (empty: valid)."""
    with tempfile.NamedTemporaryFile("wb", suffix=".xml", delete=False) as out:
        out.write(ET.tostring(element, encoding="utf-8", xml_declaration=True))
        path = out.name
    try:
        result = subprocess.run(
            ["xmllint", "--noout", "--schema", str(SCHEMA), path],
            capture_output=True, text=True, check=False,
        )
    finally:
        Path(path).unlink()
    if result.returncode == 0:
        return []
    return [line.replace(path, "payload") for line in result.stderr.splitlines() if "validates" not in line]


def value(element: ET.Element, path: str) -> str | None:
    """Text at a slash-separated path of local names, or `path@attribute`."""
    path, _, attribute = path.partition("@")
    target = element.find("/".join(qname(NS, step) for step in path.split("/") if step))
    if target is None:
        return None
    return target.get(attribute) if attribute else (target.text or "").strip()
