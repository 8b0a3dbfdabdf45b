import {{ package }}


def test_version():
    assert {{ package }}.__version__ == "0.1.0"
