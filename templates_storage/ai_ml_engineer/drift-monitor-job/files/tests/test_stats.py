import random
import unittest

from drift_monitor.stats import (
    bin_shares,
    categorical_drift,
    js_from_shares,
    ks_statistic,
    numeric_drift,
    psi_from_shares,
    quantile_edges,
    total_variation,
)


class QuantileEdgesTest(unittest.TestCase):
    def test_equal_sized_bins_on_the_reference(self):
        edges = quantile_edges(list(range(100)), 4)
        self.assertEqual(edges, [25, 50, 75])
        self.assertEqual(bin_shares(list(range(100)), edges), [0.25, 0.25, 0.25, 0.25])

    def test_duplicate_edges_are_dropped(self):
        self.assertEqual(quantile_edges([1, 1, 1, 1, 2, 2], 5), [1, 2])

    def test_rejects_bad_input(self):
        with self.assertRaises(ValueError):
            quantile_edges([], 10)
        with self.assertRaises(ValueError):
            quantile_edges([1.0], 1)


class StatisticsTest(unittest.TestCase):
    def setUp(self):
        rng = random.Random(7)
        self.reference = [rng.gauss(0, 1) for _ in range(5000)]
        self.same = [rng.gauss(0, 1) for _ in range(5000)]
        self.shifted = [rng.gauss(1, 1) for _ in range(5000)]

    def test_identical_samples_do_not_drift(self):
        for method in ("psi", "ks", "jensen_shannon"):
            with self.subTest(method=method):
                self.assertAlmostEqual(numeric_drift(method, self.reference, self.reference, 10), 0.0, places=9)

    def test_a_sample_of_the_same_distribution_stays_under_the_usual_thresholds(self):
        self.assertLess(numeric_drift("psi", self.reference, self.same, 10), 0.05)
        self.assertLess(numeric_drift("ks", self.reference, self.same, 10), 0.05)
        self.assertLess(numeric_drift("jensen_shannon", self.reference, self.same, 10), 0.05)

    def test_a_one_sigma_shift_is_caught_by_every_method(self):
        self.assertGreater(numeric_drift("psi", self.reference, self.shifted, 10), 0.25)
        # The KS statistic of N(0,1) against N(1,1) is 2*Phi(0.5) - 1, about 0.383.
        self.assertAlmostEqual(ks_statistic(self.reference, self.shifted), 0.383, delta=0.03)
        self.assertGreater(numeric_drift("jensen_shannon", self.reference, self.shifted, 10), 0.2)

    def test_psi_by_hand(self):
        expected, actual = [0.5, 0.5], [0.25, 0.75]
        manual = (0.25 - 0.5) * -0.6931471805599453 + (0.75 - 0.5) * 0.4054651081081644
        self.assertAlmostEqual(psi_from_shares(expected, actual), manual)

    def test_jensen_shannon_is_bounded_by_one(self):
        self.assertAlmostEqual(js_from_shares([1.0, 0.0], [0.0, 1.0]), 1.0)
        self.assertAlmostEqual(js_from_shares([0.3, 0.7], [0.3, 0.7]), 0.0)

    def test_ks_of_disjoint_samples_is_one(self):
        self.assertEqual(ks_statistic([1, 2, 3], [10, 11]), 1.0)


class CategoricalTest(unittest.TestCase):
    def test_new_category_drifts(self):
        reference = ["a"] * 50 + ["b"] * 50
        current = ["a"] * 30 + ["b"] * 30 + ["c"] * 40
        self.assertGreater(categorical_drift("psi", reference, current), 0.25)
        self.assertAlmostEqual(categorical_drift("ks", reference, current), 0.4, places=3)

    def test_total_variation(self):
        self.assertAlmostEqual(total_variation([0.5, 0.5], [1.0, 0.0]), 0.5)


if __name__ == "__main__":
    unittest.main()
