import json
import tempfile
import unittest
from pathlib import Path

from batch_infer.runner import run_shard


def write_inputs(root: Path, files: int, rows: int) -> None:
    for f in range(files):
        with (root / f"part-{f:03d}.jsonl").open("w") as handle:
            for r in range(rows):
                handle.write(json.dumps({"id": f"{f}-{r}", "x": r}) + "\n")


class RunnerTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.input, self.output = Path(self.tmp.name, "in"), Path(self.tmp.name, "out")
        self.input.mkdir()
        write_inputs(self.input, files=5, rows=25)
        self.calls = []

    def predict(self, records):
        self.calls.append(len(records))
        return [r["x"] * 2 for r in records]

    def test_all_shards_score_every_record_once_in_batches(self):
        for index in range(3):
            run_shard(self.input, self.output, index, 3, self.predict, batch_size=10)
        rows = [json.loads(line) for p in sorted(self.output.glob("*.jsonl")) for line in p.read_text().splitlines()]
        self.assertEqual(len(rows), 125)
        self.assertEqual({r["id"] for r in rows}, {f"{f}-{r}" for f in range(5) for r in range(25)})
        self.assertTrue(all(r["prediction"] == int(r["id"].split("-")[1]) * 2 for r in rows))
        self.assertEqual(max(self.calls), 10)
        self.assertEqual(len(list((self.output / "_markers").iterdir())), 3)

    def test_a_retried_shard_resumes_after_a_failure(self):
        def flaky(records):
            if len(self.calls) == 4:
                raise RuntimeError("GPU fell off the bus")
            return self.predict(records)

        with self.assertRaises(RuntimeError):
            run_shard(self.input, self.output, 0, 1, flaky, batch_size=10)
        done = sorted(p.name for p in self.output.glob("*.jsonl"))
        self.assertEqual(len(done), 1)  # the file being written when it failed is only a .partial
        stats = run_shard(self.input, self.output, 0, 1, self.predict, batch_size=10)
        self.assertEqual((stats.files_skipped, stats.files_scored), (1, 4))
        self.assertEqual(len(list(self.output.glob("*.jsonl"))), 5)

    def test_bad_json_names_the_line(self):
        (self.input / "part-bad.jsonl").write_text('{"id": 1}\nnot json\n')
        with self.assertRaisesRegex(ValueError, r"part-bad.jsonl:2"):
            run_shard(self.input, self.output, 0, 1, self.predict)


if __name__ == "__main__":
    unittest.main()
