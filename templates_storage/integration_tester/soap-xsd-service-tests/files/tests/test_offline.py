"""Offline checks of the contract files and of the runner itself (no service needed).

The runner is exercised against a stand-in that answers with the samples, so a broken
runner is caught here rather than reported as a broken service.
"""

from __future__ import annotations

import json
import threading
import unittest
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .run_cases import CASES, run_case
from .soap import ENVELOPE_NS, NS, ROOT, payload, qname, schema_errors

SAMPLES = ROOT / "samples"


def envelope(element: ET.Element, fault: bool = False) -> bytes:
    ET.register_namespace("soap", ENVELOPE_NS)
    root = ET.Element(qname(ENVELOPE_NS, "Envelope"))
    body = ET.SubElement(root, qname(ENVELOPE_NS, "Body"))
    if not fault:
        body.append(element)
        return ET.tostring(root)
    wrapper = ET.SubElement(body, qname(ENVELOPE_NS, "Fault"))
{%- if soap_version == '1.1' %}
    ET.SubElement(wrapper, "faultcode").text = "soap:Client"
    ET.SubElement(wrapper, "faultstring").text = "order not found"
    ET.SubElement(wrapper, "detail").append(element)
{%- else %}
    code = ET.SubElement(wrapper, qname(ENVELOPE_NS, "Code"))
    ET.SubElement(code, qname(ENVELOPE_NS, "Value")).text = "soap:Sender"
    reason = ET.SubElement(wrapper, qname(ENVELOPE_NS, "Reason"))
    ET.SubElement(reason, qname(ENVELOPE_NS, "Text")).text = "order not found"
    ET.SubElement(wrapper, qname(ENVELOPE_NS, "Detail")).append(element)
{%- endif %}
    return ET.tostring(root)


def sample(name: str) -> ET.Element:
    return ET.parse(SAMPLES / name).getroot()


class ContractFilesTest(unittest.TestCase):
    def test_samples_are_valid(self) -> None:
        for path in sorted(SAMPLES.glob("*.xml")):
            with self.subTest(sample=path.name):
                self.assertEqual(schema_errors(ET.parse(path).getroot()), [])

    def test_invalid_samples_are_rejected(self) -> None:
        for path in sorted((SAMPLES / "invalid").glob("*.xml")):
            with self.subTest(sample=path.name):
                self.assertNotEqual(schema_errors(ET.parse(path).getroot()), [])

    def test_case_requests_are_valid_envelopes(self) -> None:
        for case in json.loads(CASES.read_text(encoding="utf-8")):
            with self.subTest(case=case["name"]):
                element, fault = payload((ROOT / "tests" / "cases" / case["request"]).read_bytes())
                self.assertFalse(fault)
                self.assertEqual(element.tag, qname(NS, case["action"] + "Request"))
                self.assertEqual(schema_errors(element), [])


class StandIn(BaseHTTPRequestHandler):
    """Answers like a correct service would, from the samples."""

    def do_POST(self) -> None:  # noqa: N802
        request, _ = payload(self.rfile.read(int(self.headers["Content-Length"])))
        if request.tag == qname(NS, "CreateOrderRequest"):
            reply = ET.Element(qname(NS, "CreateOrderResponse"))
            ET.SubElement(reply, qname(NS, "orderId")).text = "ORD-000043"
            ET.SubElement(reply, qname(NS, "status")).text = self.server.create_status  # type: ignore[attr-defined]
            status, body = 200, envelope(reply)
        elif request.find(qname(NS, "orderId")).text == "ORD-000042":
            status, body = 200, envelope(sample("get-order-response.xml"))
        else:
            status = {% if soap_version == '1.1' %}500{% else %}400{% endif %}
            body = envelope(sample("order-not-found-fault.xml"), fault=True)
        self.send_response(status)
        self.send_header("Content-Type", "{% if soap_version == '1.1' %}text/xml{% else %}application/soap+xml{% endif %}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class RunnerTest(unittest.TestCase):
    def setUp(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
        self.server.create_status = "PENDING"  # type: ignore[attr-defined]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.cases = json.loads(CASES.read_text(encoding="utf-8"))

    def tearDown(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def test_every_case_passes_against_a_correct_service(self) -> None:
        for case in self.cases:
            with self.subTest(case=case["name"]):
                self.assertEqual(run_case(self.endpoint, case), [])

    def test_a_reply_outside_the_schema_fails_the_case(self) -> None:
        self.server.create_status = "LOST"  # type: ignore[attr-defined]
        [create] = [c for c in self.cases if c["action"] == "CreateOrder"]
        problems = run_case(self.endpoint, create)
        self.assertTrue(any("LOST" in p for p in problems), problems)


if __name__ == "__main__":
    unittest.main()
