"""Runs tests/cases.json against the live service and writes reports/junit.xml.

    python3 -m tests.run_cases                      # endpoint: SOAP_ENDPOINT or {{ endpoint_url }}
    python3 -m tests.run_cases --endpoint http://...

Each case posts its envelope, checks the HTTP status, that the reply body (or fault
detail) is the expected element and valid against schema/service.xsd, and the expected
values. Exit status 1 when a case fails.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from .soap import NS, ROOT, SoapError, payload, post, qname, schema_errors, value

CASES = ROOT / "tests" / "cases.json"


def run_case(endpoint: str, case: dict) -> list[str]:
    envelope = (ROOT / "tests" / "cases" / case["request"]).read_bytes()
    status, reply = post(endpoint, case["action"], envelope)
    problems = [] if status == case["status"] else [f"HTTP {status}, expected {case['status']}"]
    try:
        element, _fault = payload(reply)
    except SoapError as err:
        return [*problems, str(err)]
    if element.tag != qname(NS, case["body"]):
        return [*problems, f"body is {element.tag}, expected {case['body']}"]
    problems += schema_errors(element)
    for path, expected in case.get("expect", {}).items():
        actual = value(element, path)
        if actual != expected:
            problems.append(f"{path} is {actual!r}, expected {expected!r}")
    return problems


def junit(results: list[tuple[dict, list[str], float]]) -> bytes:
    failures = sum(1 for _, problems, _ in results if problems)
    suite = ET.Element("testsuite", name="{{ service_name }}", tests=str(len(results)), failures=str(failures))
    for case, problems, seconds in results:
        testcase = ET.SubElement(suite, "testcase", classname="{{ service_name }}", name=case["name"], time=f"{seconds:.3f}")
        if problems:
            ET.SubElement(testcase, "failure", message=problems[0]).text = "\n".join(problems)
    return ET.tostring(suite, encoding="utf-8", xml_declaration=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m tests.run_cases")
    parser.add_argument("--endpoint", default=os.environ.get("SOAP_ENDPOINT", "{{ endpoint_url }}"))
    parser.add_argument("--report", type=Path, default=ROOT / "reports" / "junit.xml")
    args = parser.parse_args(argv)
    results = []
    for case in json.loads(CASES.read_text(encoding="utf-8")):
        started = time.monotonic()
        problems = run_case(args.endpoint, case)
        results.append((case, problems, time.monotonic() - started))
        print(("FAIL " if problems else "ok   ") + case["name"])
        for problem in problems:
            print(f"     {problem}")
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_bytes(junit(results))
    return 1 if any(problems for _, problems, _ in results) else 0


if __name__ == "__main__":
    sys.exit(main())
