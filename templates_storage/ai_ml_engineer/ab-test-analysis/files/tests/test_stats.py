import random
import unittest
from statistics import pvariance

from abtest.stats import (
    adjust,
    chi2_sf,
    cuped,
    sample_ratio_mismatch,
    sample_size_means,
    sample_size_proportions,
    t_ppf,
    t_sf,
    two_proportion_test,
    welch_test,
)


class DistributionsTest(unittest.TestCase):
    """Against printed tables: the critical values every statistics textbook lists."""

    def test_student_t(self):
        self.assertAlmostEqual(2 * t_sf(2.228, 10), 0.05, places=3)
        self.assertAlmostEqual(t_sf(1.812, 10), 0.05, places=3)
        self.assertAlmostEqual(t_ppf(0.975, 30), 2.042, places=3)
        self.assertAlmostEqual(t_sf(0.0, 5), 0.5)

    def test_chi_square(self):
        self.assertAlmostEqual(chi2_sf(3.841, 1), 0.05, places=3)
        self.assertAlmostEqual(chi2_sf(5.991, 2), 0.05, places=3)
        self.assertAlmostEqual(chi2_sf(18.307, 10), 0.05, places=3)
        self.assertAlmostEqual(chi2_sf(0.0, 3), 1.0)


class PlanningTest(unittest.TestCase):
    def test_conversion_sample_size_matches_the_usual_calculators(self):
        # 10% baseline, +10% relative, alpha 0.05 two-sided, power 0.8: about 14,750 per arm.
        self.assertAlmostEqual(sample_size_proportions(0.10, 0.10, 0.05, 0.8, "two-sided"), 14751, delta=5)

    def test_means_sample_size(self):
        # d = 0.2 sd, alpha 0.05 two-sided, power 0.8: 2 * (1.96 + 0.84)^2 / 0.04 = 393 per arm.
        self.assertEqual(sample_size_means(1.0, 0.2, 0.05, 0.8, "two-sided"), 393)

    def test_one_sided_needs_fewer_units(self):
        self.assertLess(
            sample_size_proportions(0.1, 0.1, 0.05, 0.8, "greater"),
            sample_size_proportions(0.1, 0.1, 0.05, 0.8, "two-sided"),
        )

    def test_impossible_rates_are_refused(self):
        with self.assertRaises(ValueError):
            sample_size_proportions(0.9, 0.5, 0.05, 0.8, "two-sided")


class TestsTest(unittest.TestCase):
    def test_two_proportion_z(self):
        c = two_proportion_test(200, 1000, 250, 1000, 0.05, "two-sided")
        self.assertAlmostEqual(c.statistic, 2.677, places=3)
        self.assertAlmostEqual(c.p_value, 0.0074, places=4)
        self.assertAlmostEqual(c.relative_lift, 0.25)
        self.assertLess(c.ci_low, 0.05)
        self.assertGreater(c.ci_low, 0)

    def test_welch_on_a_known_example(self):
        a = [19.1, 20.3, 18.7, 21.0, 20.2, 19.8, 20.6, 19.5]
        b = [21.2, 22.0, 20.9, 21.8, 22.5, 21.1, 20.7, 22.3]
        c = welch_test(a, b, 0.05, "two-sided")
        self.assertGreater(c.statistic, 4)
        self.assertLess(c.p_value, 0.001)
        self.assertLess(c.ci_low, c.difference)
        self.assertGreater(c.ci_high, c.difference)

    def test_sample_ratio_mismatch(self):
        self.assertGreater(sample_ratio_mismatch([5000, 5020], [1, 1]), 0.5)
        self.assertLess(sample_ratio_mismatch([5000, 5400], [1, 1]), 0.001)
        self.assertGreater(sample_ratio_mismatch([5000, 2510, 2490], [2, 1, 1]), 0.5)

    def test_holm_and_bonferroni(self):
        p = [0.01, 0.04, 0.03]
        self.assertEqual([round(x, 6) for x in adjust(p, "holm")], [0.03, 0.06, 0.06])
        self.assertEqual([round(x, 6) for x in adjust(p, "bonferroni")], [0.03, 0.12, 0.09])
        self.assertEqual(adjust(p, "none"), p)

    def test_cuped_keeps_the_mean_and_cuts_the_variance(self):
        rng = random.Random(3)
        pre = [rng.gauss(100, 20) for _ in range(2000)]
        post = [0.8 * x + rng.gauss(0, 5) for x in pre]
        adjusted = cuped(post, pre)
        self.assertAlmostEqual(sum(adjusted) / len(adjusted), sum(post) / len(post), places=6)
        self.assertLess(pvariance(adjusted), pvariance(post) / 5)


if __name__ == "__main__":
    unittest.main()
