from pathlib import Path

import pytest

from {{ package_name }}.config import Config


def test_default_config_file_is_valid() -> None:
    config = Config.from_yaml(Path(__file__).parents[1] / "configs" / "default.yaml")
    assert config.task == "{{ task }}"
    assert config.seed == {{ random_seed }}


def test_unknown_keys_are_rejected() -> None:
    with pytest.raises(ValueError, match="unknown configuration keys"):
        Config.from_dict({"sede": 1})


def test_invalid_split_fraction_is_rejected() -> None:
    with pytest.raises(ValueError, match="val_fraction"):
        Config.from_dict({"data": {"val_fraction": 0.7}})
