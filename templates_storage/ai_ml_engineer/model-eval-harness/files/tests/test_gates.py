"""The command end to end on synthetic predictions: a good model passes, a bad one fails."""

import csv
import io
import json
import os
import random
import tempfile
import unittest
from contextlib import redirect_stdout

from evalharness import evaluate as ev
from evalharness.__main__ import main


def predictions(path, quality, rows=900, bad_slice=None, seed=5):
    """quality 'good' or 'bad'; bad_slice=(column, value) degrades only that slice."""
    rng = random.Random(seed)
    slice_values = {c: [f"{c}-{i}" for i in range(3)] for c in ev.SLICE_COLUMNS}
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        target = ["y_true", "y_score" if ev.TASK == "binary" else "y_pred"]
        writer.writerow(target + ev.SLICE_COLUMNS)
        for _ in range(rows):
            slices = [rng.choice(slice_values[c]) for c in ev.SLICE_COLUMNS]
            degraded = quality == "bad" or (bad_slice and dict(zip(ev.SLICE_COLUMNS, slices)).get(bad_slice[0]) == bad_slice[1])
{%- if task == 'binary' %}
            truth = rng.random() < 0.3
            score = rng.random() if degraded else min(1.0, max(0.0, (0.85 if truth else 0.15) + rng.gauss(0, 0.1)))
            writer.writerow([int(truth), round(score, 4)] + slices)
{%- elsif task == 'multiclass' %}
            truth = rng.choice(["billing", "bug", "login", "other"])
            guess = rng.choice(["billing", "bug", "login", "other"]) if degraded or rng.random() < 0.01 else truth
            writer.writerow([truth, guess] + slices)
{%- else %}
            truth = rng.uniform(10, 60)
            noise = {{ min_score }} * (5 if degraded else 0.1)
            writer.writerow([round(truth, 3), round(truth + rng.gauss(0, noise), 3)] + slices)
{%- endif %}


class GateTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.csv = os.path.join(self.tmp.name, "predictions.csv")

    def run_main(self, *extra):
        out = io.StringIO()
        with redirect_stdout(out):
            status = main([self.csv, "--samples", "100", *extra])
        return status, out.getvalue()

    def test_a_good_model_passes_every_gate(self):
        predictions(self.csv, "good")
        status, text = self.run_main("--json", os.path.join(self.tmp.name, "m.json"))
        self.assertEqual(status, 0, text)
        self.assertNotIn("FAIL", text)
        with open(os.path.join(self.tmp.name, "m.json"), encoding="utf-8") as handle:
            self.assertIn(ev.GATE_METRIC, json.load(handle)["overall"])

    def test_a_bad_model_fails_the_score_gate(self):
        predictions(self.csv, "bad")
        status, text = self.run_main()
        self.assertEqual(status, 1)
        self.assertIn("| score | FAIL |", text)

    @unittest.skipUnless(ev.SLICE_COLUMNS, "no slice columns configured")
    def test_one_bad_slice_fails_the_gap_gate(self):
        column = ev.SLICE_COLUMNS[0]
        predictions(self.csv, "good", bad_slice=(column, f"{column}-1"))
        status, text = self.run_main()
        self.assertEqual(status, 1)
        self.assertIn(f"| slice gap {column} | FAIL |", text)

    def test_a_regression_against_production_fails(self):
        predictions(self.csv, "good")
        production = os.path.join(self.tmp.name, "prod.json")
        self.assertEqual(self.run_main("--json", production)[0], 0)
        predictions(self.csv, "bad", seed=6)
        status, text = self.run_main("--baseline", production)
        self.assertIn("| no regression | FAIL |", text)
        self.assertEqual(status, 1)

    def test_missing_file_is_a_clear_error(self):
        self.assertEqual(main([os.path.join(self.tmp.name, "nope.csv")]), 2)


if __name__ == "__main__":
    unittest.main()
