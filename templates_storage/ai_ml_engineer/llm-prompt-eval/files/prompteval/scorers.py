"""Scorers: each takes the model's answer and the check's spec and returns (passed, reason).

A case lists its checks in evals/cases.json, e.g. {"type": "contains", "value": "refund"}.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
{%- if judge %}

from .client import Client
{%- endif %}

Result = tuple[bool, str]


def exact(answer: str, spec: dict) -> Result:
    ok = answer.strip() == str(spec["value"]).strip()
    return ok, "" if ok else f"expected exactly {spec['value']!r}"


def contains(answer: str, spec: dict) -> Result:
    needle = str(spec["value"])
    haystack, target = (answer, needle) if spec.get("case_sensitive") else (answer.lower(), needle.lower())
    ok = target in haystack
    return ok, "" if ok else f"missing {needle!r}"


def not_contains(answer: str, spec: dict) -> Result:
    ok, _ = contains(answer, spec)
    return (not ok), "" if not ok else f"must not mention {spec['value']!r}"


def regex(answer: str, spec: dict) -> Result:
    ok = re.search(spec["pattern"], answer, re.MULTILINE) is not None
    return ok, "" if ok else f"no match for /{spec['pattern']}/"


def json_keys(answer: str, spec: dict) -> Result:
    """The answer is a JSON object (a ```json fence around it is allowed) with the required keys."""
    text = answer.strip()
    fenced = re.fullmatch(r"```(?:json)?\s*(.*?)\s*```", text, re.DOTALL)
    if fenced:
        text = fenced.group(1)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        return False, f"not JSON: {err.msg}"
    if not isinstance(value, dict):
        return False, "JSON is not an object"
    missing = [k for k in spec.get("required", []) if k not in value]
    return (not missing), "" if not missing else f"missing keys {missing}"


def max_words(answer: str, spec: dict) -> Result:
    count = len(answer.split())
    ok = count <= int(spec["value"])
    return ok, "" if ok else f"{count} words > {spec['value']}"
{%- if judge %}


{% raw %}JUDGE_PROMPT = """You grade an assistant's answer against a rubric.
Rubric: {rubric}
Question: {question}
Answer: {answer}
Reply with one JSON object: {{"score": <integer 1-5>, "reason": "<one sentence>"}}."""{% endraw %}


def make_judge(client: Client) -> Callable[[str, dict], Result]:
    """LLM-as-judge: passes when the grader's 1-5 score reaches spec['min_score'] (default 4)."""

    def judge(answer: str, spec: dict) -> Result:
        prompt = JUDGE_PROMPT.format(rubric=spec["rubric"], question=spec.get("question", ""), answer=answer)
        verdict = client.chat([{"role": "user", "content": prompt}], max_tokens=200)
        ok, why = json_keys(verdict, {"required": ["score"]})
        if not ok:
            return False, f"judge reply unusable ({why})"
        data = json.loads(re.sub(r"^```(?:json)?|```$", "", verdict.strip()).strip())
        score = int(data["score"])
        passed = score >= int(spec.get("min_score", 4))
        return passed, "" if passed else f"judge score {score}: {data.get('reason', '')}"

    return judge
{%- endif %}


SCORERS: dict[str, Callable[[str, dict], Result]] = {
    "exact": exact,
    "contains": contains,
    "not_contains": not_contains,
    "regex": regex,
    "json_keys": json_keys,
    "max_words": max_words,
}
