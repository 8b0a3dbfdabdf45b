import csv
import io
import json
import os
import random
import tempfile
import unittest
from contextlib import redirect_stdout

from drift_monitor.__main__ import EXIT_DRIFT, main
from drift_monitor.report import compare


def rows(n, mean, plans, seed):
    rng = random.Random(seed)
    return [{"amount": str(rng.gauss(mean, 1)), "plan": rng.choice(plans)} for _ in range(n)]


class CompareTest(unittest.TestCase):
    def test_numeric_and_categorical_columns(self):
        report = compare(
            rows(2000, 0, ["free", "pro"], 1),
            rows(2000, 1.5, ["free", "pro"], 2),
            method="{{ method }}",
            threshold={{ threshold }},
            bins={{ bins }},
        )
        kinds = {f.feature: f.kind for f in report.features}
        self.assertEqual(kinds, {"amount": "numeric", "plan": "categorical"})
        self.assertEqual(report.drifted, ["amount"])
        self.assertEqual(report.as_dict()["drift_share"], 0.5)

    def test_unknown_method_is_refused(self):
        with self.assertRaises(ValueError):
            compare(rows(10, 0, ["a"], 1), rows(10, 0, ["a"], 2), method="mean", threshold=0.1, bins=5)


class MainTest(unittest.TestCase):
    def write(self, folder, name, data):
        path = os.path.join(folder, name)
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=["amount", "plan"])
            writer.writeheader()
            writer.writerows(data)
        return path

    def run_main(self, reference, current):
        out = io.StringIO()
        with redirect_stdout(out):
            status = main(["--reference", reference, "--current", current])
        return status, json.loads(out.getvalue())

    def test_exit_status_says_whether_anything_drifted(self):
        saved = {k: os.environ.pop(k, None) for k in ("PUSHGATEWAY_URL", "SLACK_WEBHOOK_URL")}
        self.addCleanup(lambda: os.environ.update({k: v for k, v in saved.items() if v is not None}))
        with tempfile.TemporaryDirectory() as folder:
            reference = self.write(folder, "reference.csv", rows(1000, 0, ["free", "pro"], 1))
            same = self.write(folder, "same.csv", rows(1000, 0, ["free", "pro"], 3))
            shifted = self.write(folder, "shifted.csv", rows(1000, 2, ["free", "pro"], 4))
            status, report = self.run_main(reference, same)
            self.assertEqual((status, report["drifted_features"]), (0, []))
            status, report = self.run_main(reference, shifted)
            self.assertEqual((status, report["drifted_features"]), (EXIT_DRIFT, ["amount"]))
            self.assertEqual(report["method"], "{{ method }}")

    def test_missing_file_is_a_clear_error(self):
        with tempfile.TemporaryDirectory() as folder:
            self.assertEqual(main(["--reference", os.path.join(folder, "nope.csv"), "--current", "x.csv"]), 1)


if __name__ == "__main__":
    unittest.main()
