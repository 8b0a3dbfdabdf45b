"""Locust load test for {{ host }}.

Headless: `locust` (settings in locust.conf). With the web UI: `locust --config locust.conf --headless=false`.
"""

from __future__ import annotations

import logging
import os
import random

from locust import HttpUser, between, events, tag, task
{%- if shape != 'constant' %}
from locust import LoadTestShape
{%- endif %}

MAX_FAIL_RATIO = {{ max_fail_ratio }}
MAX_P95_MS = {{ max_p95_ms }}
PEAK_USERS = int(os.environ.get("PEAK_USERS", "{{ users }}"))


class Browser(HttpUser):
    """Most visitors: list, search, look at items."""

    weight = 4
    wait_time = between(1, 3)
{%- if authenticated %}

    def on_start(self) -> None:
        email = os.environ.get("LOAD_TEST_EMAIL")
        password = os.environ.get("LOAD_TEST_PASSWORD")
        if not email or not password:
            raise RuntimeError("set LOAD_TEST_EMAIL and LOAD_TEST_PASSWORD")
        with self.client.post(
            "/api/auth/login", json={"email": email, "password": password}, name="login", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"login answered {response.status_code}")
                return
            self.client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
{%- endif %}

    @tag("browse")
    @task(6)
    def list_items(self) -> None:
        with self.client.get("/api/items?limit=20", name="/api/items", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
            elif "items" not in response.json():
                response.failure("no 'items' in the answer")

    @tag("browse")
    @task(3)
    def view_item(self) -> None:
        item_id = random.randint(1, 100)
        # One name for every id, so the statistics group them.
        with self.client.get(f"/api/items/{item_id}", name="/api/items/[id]", catch_response=True) as response:
            if response.status_code == 404:
                response.success()  # ids are random: a missing item is not an error

    @tag("search")
    @task(1)
    def search(self) -> None:
        term = random.choice(["lamp", "mug", "chair", "zzz-no-match"])
        self.client.get(f"/api/search?q={term}", name="/api/search")


class Buyer(HttpUser):
    """Fewer visitors, heavier requests: add to cart and check out."""

    weight = 1
    wait_time = between(2, 5)
{%- if authenticated %}

    on_start = Browser.on_start
{%- endif %}

    @tag("checkout")
    @task
    def checkout(self) -> None:
        with self.client.post("/api/cart/items", json={"item_id": random.randint(1, 100), "quantity": 1},
                              name="/api/cart/items", catch_response=True) as response:
            if response.status_code not in (200, 201):
                response.failure(f"add to cart answered {response.status_code}")
                return
        with self.client.post("/api/checkout", json={"payment": "test-card"}, name="/api/checkout",
                              catch_response=True) as response:
            if response.status_code not in (200, 201, 202):
                response.failure(f"checkout answered {response.status_code}")
{%- if shape == 'step' %}


class StepLoad(LoadTestShape):
    """Adds a fifth of the peak every two minutes, holds the peak for five, then stops."""

    step_seconds = 120
    hold_seconds = 300

    def tick(self):
        run_time = self.get_run_time()
        steps = 5
        if run_time < steps * self.step_seconds:
            current = (int(run_time // self.step_seconds) + 1) * PEAK_USERS // steps
            return max(current, 1), max(PEAK_USERS // 50, 1)
        if run_time < steps * self.step_seconds + self.hold_seconds:
            return PEAK_USERS, max(PEAK_USERS // 50, 1)
        return None
{%- elsif shape == 'spike' %}


class SpikeLoad(LoadTestShape):
    """A tenth of the peak, a one-minute burst to the peak, then the tenth again to watch recovery."""

    stages = [
        (120, 0.1),
        (180, 1.0),
        (480, 0.1),
    ]

    def tick(self):
        run_time = self.get_run_time()
        for end, share in self.stages:
            if run_time < end:
                users = max(int(PEAK_USERS * share), 1)
                return users, users  # reach each level at once: that is the spike
        return None
{%- endif %}


@events.quitting.add_listener
def enforce_budget(environment, **_kwargs) -> None:
    """Fails the process (exit code 1) when the run is over its error or latency budget."""
    total = environment.stats.total
    p95 = total.get_response_time_percentile(0.95) or 0
    if total.fail_ratio > MAX_FAIL_RATIO:
        logging.error("failure ratio %.3f is over %.3f", total.fail_ratio, MAX_FAIL_RATIO)
        environment.process_exit_code = 1
    elif p95 > MAX_P95_MS:
        logging.error("p95 %d ms is over %d ms", p95, MAX_P95_MS)
        environment.process_exit_code = 1
    else:
        environment.process_exit_code = 0
