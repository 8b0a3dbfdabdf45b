import numpy as np
import pytest

from {{ package_name }} import metrics


def test_classification_metrics() -> None:
    scores = metrics.classification_metrics(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]))
    assert scores["accuracy"] == pytest.approx(0.75)
    # class 0: f1 = 2/3, class 1: f1 = 0.8
    assert scores["macro_f1"] == pytest.approx((2 / 3 + 0.8) / 2)


def test_regression_metrics() -> None:
    scores = metrics.regression_metrics(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 4.0]))
    assert scores["mae"] == pytest.approx(1 / 3)
    assert scores["rmse"] == pytest.approx(np.sqrt(1 / 3))
    assert scores["r2"] == pytest.approx(0.5)
