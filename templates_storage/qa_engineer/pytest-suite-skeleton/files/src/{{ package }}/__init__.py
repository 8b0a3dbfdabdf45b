"""{{ package }}: the package the suite tests."""
