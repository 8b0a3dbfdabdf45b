import numpy as np
import pandas as pd
import pytest

from {{ package_name }} import data
from {{ package_name }}.config import DataConfig


def test_split_is_deterministic_and_disjoint() -> None:
    frame = data.make_synthetic(500, "{{ task }}", seed=1)
    config = DataConfig(val_fraction=0.2, test_fraction=0.1)
    first = data.split(frame, config, "{{ task }}", seed=7)
    second = data.split(frame, config, "{{ task }}", seed=7)
    np.testing.assert_array_equal(first.x_train, second.x_train)
    assert len(first.y_train) + len(first.y_val) + len(first.y_test) == 500
    assert (len(first.y_val), len(first.y_test)) == (100, 50)


def test_text_columns_are_one_hot_encoded_and_aligned() -> None:
    frame = pd.DataFrame({"size": [1.0, 2.0], "colour": ["red", "blue"], "target": [0, 1]})
    x, names = data.prepare_features(frame, "target")
    assert names == ["size", "colour_blue", "colour_red"]
    new_rows = pd.DataFrame({"size": [3.0], "colour": ["green"]})
    aligned, _ = data.prepare_features(new_rows, "target", names)
    assert aligned.tolist() == [[3.0, 0.0, 0.0]]


def test_missing_target_column_is_reported() -> None:
    frame = pd.DataFrame({"a": [1, 2, 3]})
    with pytest.raises(KeyError, match="target"):
        data.split(frame, DataConfig(), "{{ task }}", seed=0)
