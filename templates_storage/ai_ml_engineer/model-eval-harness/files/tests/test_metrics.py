import math
import unittest

from evalharness.bootstrap import bootstrap_interval
from evalharness.metrics import (
    average_precision,
    binary_at_threshold,
    brier,
    ece,
    log_loss,
    multiclass_metrics,
    regression_metrics,
    roc_auc,
)


class BinaryTest(unittest.TestCase):
    y = [0, 0, 1, 1]
    s = [0.1, 0.4, 0.35, 0.8]

    def test_roc_auc_by_hand(self):
        self.assertAlmostEqual(roc_auc(self.y, self.s), 0.75)
        self.assertAlmostEqual(roc_auc([0, 1], [0.5, 0.5]), 0.5)
        self.assertTrue(math.isnan(roc_auc([1, 1], [0.2, 0.3])))

    def test_average_precision_by_hand(self):
        self.assertAlmostEqual(average_precision(self.y, self.s), (1 + 2 / 3) / 2)

    def test_probability_scores(self):
        self.assertAlmostEqual(brier([1, 0], [0.8, 0.4]), (0.04 + 0.16) / 2)
        self.assertAlmostEqual(log_loss([1, 0], [0.8, 0.4]), -(math.log(0.8) + math.log(0.6)) / 2)
        self.assertAlmostEqual(ece([1, 0, 1, 0], [1.0, 0.0, 1.0, 0.0]), 0.0)
        self.assertAlmostEqual(ece([1, 1, 0, 0], [0.95, 0.95, 0.95, 0.95]), 0.45)

    def test_threshold_metrics(self):
        m = binary_at_threshold(self.y, self.s, 0.3)
        self.assertEqual((m["precision"], m["recall"], m["accuracy"]), (2 / 3, 1.0, 0.75))


class OtherTasksTest(unittest.TestCase):
    def test_multiclass(self):
        m = multiclass_metrics(["a", "a", "b", "c"], ["a", "b", "b", "c"])
        self.assertAlmostEqual(m["accuracy"], 0.75)
        self.assertAlmostEqual(m["macro_f1"], (2 / 3 + 2 / 3 + 1) / 3)

    def test_regression(self):
        m = regression_metrics([1.0, 2.0, 3.0], [1.0, 2.0, 4.0])
        self.assertAlmostEqual(m["mae"], 1 / 3)
        self.assertAlmostEqual(m["rmse"], math.sqrt(1 / 3))
        self.assertAlmostEqual(m["r2"], 0.5)


class BootstrapTest(unittest.TestCase):
    def test_interval_brackets_the_estimate_and_is_repeatable(self):
        y = [i % 2 for i in range(400)]
        s = [(0.7 if t else 0.3) + ((i * 37) % 100 - 50) / 160 for i, t in enumerate(y)]
        low, high = bootstrap_interval(roc_auc, y, s, samples=200)
        self.assertLessEqual(low, roc_auc(y, s))
        self.assertGreaterEqual(high, roc_auc(y, s))
        self.assertEqual((low, high), bootstrap_interval(roc_auc, y, s, samples=200))


if __name__ == "__main__":
    unittest.main()
