import csv
import io
import os
import random
import tempfile
import unittest
from contextlib import redirect_stdout

from abtest import config
from abtest.__main__ import main


def export(path, arms, seed=1):
    """Writes a synthetic export: arms maps variant -> (units, effect)."""
    rng = random.Random(seed)
    unit = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
{%- if metric_type == 'conversion' %}
        writer = csv.writer(handle)
        writer.writerow(["unit_id", "variant", "converted"])
        for variant, (units, effect) in arms.items():
            for _ in range(units):
                unit += 1
                writer.writerow([f"u{unit}", variant, int(rng.random() < 0.10 + effect)])
{%- else %}
        writer = csv.writer(handle)
        writer.writerow(["unit_id", "variant", "value", "pre_value"])
        for variant, (units, effect) in arms.items():
            for _ in range(units):
                unit += 1
                pre = rng.gauss(50, 15)
                writer.writerow([f"u{unit}", variant, round(0.9 * pre + rng.gauss(5, 6) + effect, 3), round(pre, 3)])
{%- endif %}


class CommandTest(unittest.TestCase):
    def run_main(self, *argv):
        out = io.StringIO()
        with redirect_stdout(out):
            status = main(list(argv))
        return status, out.getvalue()

    def test_plan(self):
{%- if metric_type == 'conversion' %}
        status, text = self.run_main("plan", "--baseline", "0.1", "--mde", "0.1")
{%- else %}
        status, text = self.run_main("plan", "--sd", "10", "--mde", "1")
{%- endif %}
        self.assertEqual(status, 0)
        self.assertIn("units per arm", text)

    def test_a_real_effect_ships_and_a_null_one_does_not(self):
{%- if metric_type == 'conversion' %}
        arms = {"control": (20000, 0.0), "big": (20000, 0.02), "same": (20000, 0.0)}
{%- else %}
        arms = {"control": (3000, 0.0), "big": (3000, 1.5), "same": (3000, 0.0)}
{%- endif %}
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "export.csv")
            # A fixed seed: the null arm is a single draw, inconclusive for this seed (at alpha
            # 0.05 about one seed in twenty would show a false positive, as it should).
            export(path, arms, seed=2)
            status, text = self.run_main("analyze", path)
        self.assertEqual(status, 0, text)
        rows = {line.split("|")[1].strip(): line for line in text.splitlines() if line.startswith("| big") or line.startswith("| same")}
        self.assertIn("| ship |", rows["big"])
        self.assertIn("inconclusive", rows["same"])
        self.assertIn(f"correction {config.CORRECTION}", text)

    def test_a_broken_split_invalidates_the_results(self):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "export.csv")
            export(path, {"control": (5000, 0.0), "treatment": (5600, 0.0)})
            status, text = self.run_main("analyze", path)
        self.assertEqual(status, 3)
        self.assertIn("SAMPLE RATIO MISMATCH", text)

    def test_duplicate_units_are_refused(self):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "export.csv")
            export(path, {"control": (10, 0.0), "treatment": (10, 0.0)})
            with open(path, encoding="utf-8") as handle:
                lines = handle.read().splitlines()
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(lines[1] + "\n")
            self.assertEqual(main(["analyze", path]), 1)


if __name__ == "__main__":
    unittest.main()
