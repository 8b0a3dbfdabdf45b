"""Runs every case of evals/cases.json against the prompt and gates on the pass rate."""

from __future__ import annotations

import json
import string
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .client import Client, ProviderError
from .scorers import SCORERS{% if judge %}, make_judge{% endif %}

PASS_THRESHOLD = {{ pass_threshold }}
REPEATS = {{ repeats }}


@dataclass
class CaseResult:
    case_id: str
    passed: bool
    answers: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def load_cases(path: Path) -> list[dict]:
    cases = json.loads(path.read_text(encoding="utf-8"))["cases"]
    ids = [c["id"] for c in cases]
    if len(ids) != len(set(ids)):
        raise ValueError("case ids must be unique")
    for case in cases:
        for check in case["checks"]:
            if check["type"] not in SCORERS and check["type"] != "judge":
                raise ValueError(f"case {case['id']}: unknown check type {check['type']!r}")
    return cases


def render(template: str, variables: dict) -> str:
    """$name placeholders (string.Template): braces in prompts (JSON examples) stay literal."""
    return string.Template(template).substitute(variables)


def run_case(client: Client, prompts: dict[str, str], case: dict, repeats: int) -> CaseResult:
    result = CaseResult(case["id"], passed=True)
    scorers = dict(SCORERS)
{%- if judge %}
    scorers["judge"] = make_judge(client)
{%- endif %}
    messages = [
        {"role": "system", "content": render(prompts["system"], case.get("vars", {}))},
        {"role": "user", "content": render(prompts["user"], case.get("vars", {}))},
    ]
    for _ in range(repeats):
        try:
            answer = client.chat(messages)
        except ProviderError as err:
            result.passed = False
            result.failures.append(f"provider: {err}")
            break
        result.answers.append(answer)
        for check in case["checks"]:
            scorer = scorers.get(check["type"])
            if scorer is None:
                result.passed = False
                result.failures.append(f"{check['type']}: scorer not enabled in this suite")
                continue
            ok, reason = scorer(answer, check)
            if not ok:
                result.passed = False
                result.failures.append(f"{check['type']}: {reason}")
    return result


def run_suite(client: Client, root: Path, *, repeats: int = REPEATS, workers: int = 4) -> list[CaseResult]:
    prompts = {name: (root / "prompts" / f"{name}.txt").read_text(encoding="utf-8") for name in ("system", "user")}
    cases = load_cases(root / "evals" / "cases.json")
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda c: run_case(client, prompts, c, repeats), cases))


def summary(results: list[CaseResult], threshold: float = PASS_THRESHOLD) -> tuple[bool, str]:
    passed = sum(r.passed for r in results)
    rate = passed / len(results) if results else 0.0
    lines = [
        "# {{ suite_name }} prompt evaluation",
        "",
        f"{passed}/{len(results)} cases passed ({rate:.0%}); the gate is {threshold:.0%}.",
        "",
        "| Case | Result | Why |",
        "| --- | --- | --- |",
    ]
    for r in results:
        why = "; ".join(dict.fromkeys(r.failures)).replace("|", "\\|")
        lines.append(f"| {r.case_id} | {'pass' if r.passed else 'FAIL'} | {why} |")
    return rate >= threshold, "\n".join(lines) + "\n"
