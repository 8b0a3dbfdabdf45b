"""The pipeline end to end against local stand-ins for the embedding endpoint{% if vector_store == 'qdrant' %} and Qdrant{% endif %}."""

import io
import json
import re
import shutil
import tempfile
import threading
import unittest
from contextlib import redirect_stdout
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
{%- if vector_store == 'qdrant' %}
from unittest import mock
{%- endif %}

from ingest.__main__ import main
from ingest.embed import Embedder, EmbeddingError

ROOT = Path(__file__).resolve().parent.parent
DIM = 8


class FakeServices:
    """/embeddings returns deterministic vectors; /collections/... keeps points like Qdrant does."""

    def __init__(self, dimension=DIM):
        self.dimension, self.collections, self.points, self.calls = dimension, {}, {}, []

    def __enter__(self):
        services = self

        class Handler(BaseHTTPRequestHandler):
            def _body(self):
                length = int(self.headers.get("Content-Length") or 0)
                return json.loads(self.rfile.read(length)) if length else None

            def _reply(self, status, value):
                data = json.dumps(value).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                body = self._body()
                services.calls.append(("POST", self.path))
                if self.path.endswith("/embeddings"):
                    data = [{"index": i, "embedding": [float(len(t) % 7 + k) for k in range(services.dimension)]} for i, t in enumerate(body["input"])]
                    return self._reply(200, {"data": data})
                if "/points/delete" in self.path:
                    source = body["filter"]["must"][0]["match"]["value"]
                    keep = set(body["filter"]["must_not"][0]["has_id"])
                    for pid in [p for p, v in services.points.items() if v["payload"]["source"] == source and p not in keep]:
                        del services.points[pid]
                    return self._reply(200, {"status": "ok"})
                self._reply(404, {})

            def do_GET(self):
                services.calls.append(("GET", self.path))
                name = self.path.rsplit("/", 1)[-1]
                self._reply(200 if name in services.collections else 404, {"result": {}})

            def do_PUT(self):
                body = self._body()
                services.calls.append(("PUT", self.path))
                match = re.match(r"^/collections/([^/?]+)(/points|/index)?", self.path)
                if match.group(2) == "/points":
                    for point in body["points"]:
                        services.points[point["id"]] = point
                elif match.group(2) is None:
                    services.collections[match.group(1)] = body
                self._reply(200, {"status": "ok"})

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class PipelineTest(unittest.TestCase):
    def setUp(self):
        self.folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.folder)
        self.source = self.folder / "docs"
        shutil.copytree(ROOT / "docs", self.source)

    def run_main(self, services, *args):
        embedder = Embedder(base_url=services.url, dimension=DIM, backoff=0)
        out = io.StringIO()
{%- if vector_store == 'qdrant' %}
        with mock.patch.dict("os.environ", {"QDRANT_URL": services.url}), redirect_stdout(out):
            status = main([str(self.source), *args], embedder=embedder)
{%- else %}
        with redirect_stdout(out):
            status = main([str(self.source), "--index", str(self.folder / "index"), *args], embedder=embedder)
{%- endif %}
        return status, out.getvalue()

    def stored(self, services):
{%- if vector_store == 'qdrant' %}
        return services.points
{%- else %}
        rows = (self.folder / "index" / "{{ collection }}.jsonl").read_text(encoding="utf-8").splitlines()
        return {row["id"]: row for row in map(json.loads, rows)}
{%- endif %}

    def test_ingesting_twice_is_idempotent_and_edits_replace_old_chunks(self):
        with FakeServices() as services:
            status, out = self.run_main(services)
            self.assertEqual(status, 0, out)
            first = dict(self.stored(services))
            self.assertGreater(len(first), 0)
            self.assertTrue(all(len(p["vector"]) == DIM for p in first.values()))
            self.assertEqual(self.run_main(services)[0], 0)
            self.assertEqual(set(self.stored(services)), set(first))
            page = self.source / "getting-started.md"
            page.write_text(page.read_text(encoding="utf-8").replace("30 days", "45 days"), encoding="utf-8")
            self.assertEqual(self.run_main(services)[0], 0)
            texts = " ".join(p["payload"]["text"] for p in self.stored(services).values())
            self.assertIn("45 days", texts)
            self.assertNotIn("30 days", texts)
{%- if vector_store == 'qdrant' %}
            self.assertEqual(services.collections["{{ collection }}"]["vectors"], {"size": DIM, "distance": "Cosine"})
{%- endif %}

    def test_dry_run_touches_nothing(self):
        with FakeServices() as services:
            status, out = self.run_main(services, "--dry-run")
        self.assertEqual(status, 0)
        self.assertRegex(out, r"1 documents, \d+ chunks")
        self.assertEqual(services.calls, [])

    def test_a_dimension_mismatch_is_refused(self):
        with FakeServices(dimension=4) as services:
            with self.assertRaises(EmbeddingError):
                Embedder(base_url=services.url, dimension=DIM).embed(["x"])
            status, _ = self.run_main(services)
        self.assertEqual(status, 1)


if __name__ == "__main__":
    unittest.main()
