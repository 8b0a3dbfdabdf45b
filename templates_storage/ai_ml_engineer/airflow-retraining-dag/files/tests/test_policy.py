import unittest
from datetime import datetime, timedelta

from retraining import policy

NOW = datetime(2025, 6, 1, 12, 0)


class RetrainTest(unittest.TestCase):
    def decide(self, age_days=1, drift=None, labels=0):
        return policy.should_retrain(
            now=NOW, model_trained_at=NOW - timedelta(days=age_days), drift_report=drift, new_labels=labels
        )

    def test_nothing_to_do(self):
        decision = self.decide(drift={"features": [{"feature": "amount", "statistic": 0.0}]})
        self.assertFalse(decision.go)
        self.assertIn("no trigger", decision.reasons[0])

    def test_old_model(self):
        self.assertTrue(self.decide(age_days=policy.MAX_MODEL_AGE.days + 1).go)
        self.assertFalse(self.decide(age_days=policy.MAX_MODEL_AGE.days).go)

    def test_drift_above_the_threshold(self):
        above = policy.DRIFT_THRESHOLD + 0.01
        decision = self.decide(drift={"features": [{"feature": "amount", "statistic": above}]})
        self.assertTrue(decision.go)
        self.assertIn("amount", decision.reasons[0])

    def test_new_labels(self):
        self.assertTrue(self.decide(labels=policy.MIN_NEW_LABELS).go)

    def test_every_reason_is_listed(self):
        decision = self.decide(age_days=999, drift={"features": [{"feature": "x", "statistic": 99}]}, labels=10**6)
        self.assertEqual(len(decision.reasons), 3)


class PromoteTest(unittest.TestCase):
    metric = policy.PROMOTION_METRIC

    def test_first_model_is_promoted(self):
        self.assertTrue(policy.should_promote({self.metric: 0.5}, None).go)

    def test_challenger_must_win_by_the_margin(self):
        self.assertTrue(policy.should_promote({self.metric: 0.8 + policy.MIN_IMPROVEMENT}, {self.metric: 0.8}).go)
        self.assertFalse(policy.should_promote({self.metric: 0.8 + policy.MIN_IMPROVEMENT / 2}, {self.metric: 0.8}).go)
        self.assertFalse(policy.should_promote({self.metric: 0.7}, {self.metric: 0.8}).go)

    def test_missing_metric_never_ships(self):
        self.assertFalse(policy.should_promote({}, {self.metric: 0.8}).go)


if __name__ == "__main__":
    unittest.main()
