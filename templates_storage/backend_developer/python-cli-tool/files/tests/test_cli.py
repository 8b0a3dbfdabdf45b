import io
{%- if json_output %}
import json
{%- endif %}
import os
import tempfile
import unittest
from pathlib import Path

from {{ package }} import __version__
from {{ package }}.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, main


def run(*argv, stdin="", env=None, cwd=None):
    """Runs the command line in-process; returns (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    if cwd:
        os.chdir(cwd)
    try:
{%- if config_file %}
        # An empty environment by default: the developer's own config must not leak in.
        code = main(list(argv), stdin=io.StringIO(stdin), stdout=out, stderr=err, env=env or {"HOME": cwd or "/nonexistent"})
{%- else %}
        code = main(list(argv), stdin=io.StringIO(stdin), stdout=out, stderr=err)
{%- endif %}
    finally:
        os.chdir(old)
    return code, out.getvalue(), err.getvalue()


class StatsCommandTest(unittest.TestCase):
    def test_reads_standard_input(self):
        code, out, err = run("stats", stdin="1\n2\n3\n4\n")
        self.assertEqual(code, EXIT_OK, err)
        lines = dict(line.split(None, 1) for line in out.splitlines())
        self.assertEqual(lines["count"], "4")
        self.assertEqual(lines["mean"], "2.50")
        self.assertEqual(lines["p50"], "2.50")

    def test_reads_files_and_dash(self):
        with tempfile.TemporaryDirectory() as tmp:
            Path(tmp, "a.txt").write_text("10\n20\n", encoding="utf-8")
            code, out, err = run("stats", str(Path(tmp, "a.txt")), "-", "--precision", "0", stdin="30\n")
        self.assertEqual(code, EXIT_OK, err)
        self.assertIn("max    30", out)
        self.assertIn("mean   20", out)

    def test_percentile_flags_replace_the_defaults(self):
        code, out, _ = run("stats", "-p", "75", stdin="0\n100\n")
        self.assertEqual(code, EXIT_OK)
        self.assertIn("p75", out)
        self.assertNotIn("p99", out)
{%- if json_output %}

    def test_json_output(self):
        code, out, _ = run("stats", "--format", "json", stdin="1\n2\n")
        self.assertEqual(code, EXIT_OK)
        self.assertEqual(json.loads(out), {
            "count": 2, "min": 1.0, "max": 2.0, "mean": 1.5,
            "percentiles": {"p50": 1.5, "p90": 1.9, "p99": 1.99},
        })
{%- endif %}

    def test_bad_data_fails_with_one_line_and_no_traceback(self):
        code, out, err = run("stats", stdin="1\nabc\n")
        self.assertEqual(code, EXIT_FAILURE)
        self.assertEqual(out, "")
        self.assertEqual(err, "{{ project_name }}: error: <stdin>:2: not a number: 'abc'\n")

    def test_skip_invalid(self):
        code, out, _ = run("stats", "--skip-invalid", stdin="1\nabc\n3\n")
        self.assertEqual(code, EXIT_OK)
        self.assertIn("count  2", out)

    def test_missing_file_and_empty_input(self):
        code, _, err = run("stats", "/nonexistent/numbers.txt")
        self.assertEqual((code, err), (EXIT_FAILURE, "{{ project_name }}: error: /nonexistent/numbers.txt: no such file\n"))
        code, _, err = run("stats", stdin="# nothing\n")
        self.assertEqual((code, err), (EXIT_FAILURE, "{{ project_name }}: error: no numbers in the input\n"))

    def test_out_of_range_setting(self):
        code, _, err = run("stats", "-p", "120", stdin="1\n")
        self.assertEqual(code, EXIT_FAILURE)
        self.assertIn("120 is not between 0 and 100", err)


class UsageTest(unittest.TestCase):
    def test_usage_errors_exit_2(self):
        code, _, err = run("frobnicate")
        self.assertEqual(code, EXIT_USAGE)
        self.assertIn("invalid choice", err)
        self.assertEqual(run()[0], EXIT_USAGE)

    def test_version_and_help(self):
        code, out, _ = run("--version")
        self.assertEqual((code, out.strip()), (EXIT_OK, f"{{ project_name }} {__version__}"))
        code, out, _ = run("stats", "--help")
        self.assertEqual(code, EXIT_OK)
        self.assertIn("--skip-invalid", out)
{%- if config_file %}


class SettingsLayersTest(unittest.TestCase):
    def test_file_then_environment_then_flags(self):
        with tempfile.TemporaryDirectory() as tmp:
            Path(tmp, ".{{ project_name }}.toml").write_text("precision = 1\npercentiles = [50, 95]\n", encoding="utf-8")
            env = {"HOME": tmp, "{{ project_name | upcase | replace: '-', '_' }}_PRECISION": "3"}
            code, out, err = run("config", "show", env=env, cwd=tmp)
            self.assertEqual(code, EXIT_OK, err)
            self.assertIn("precision = 3  # ${{ project_name | upcase | replace: '-', '_' }}_PRECISION", out)
            self.assertIn("percentiles = 50,95  # ", out)
            code, out, _ = run("stats", "--precision", "0", stdin="1\n2\n", env=env, cwd=tmp)
            self.assertIn("mean   2", out)
            self.assertIn("p95", out)

    def test_user_config_is_overridden_by_the_project_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            user = Path(tmp, "xdg", "{{ project_name }}")
            user.mkdir(parents=True)
            (user / "config.toml").write_text("precision = 4\npercentiles = [10]\n", encoding="utf-8")
            Path(tmp, ".{{ project_name }}.toml").write_text("precision = 1\n", encoding="utf-8")
            code, out, _ = run("config", "show", env={"XDG_CONFIG_HOME": str(Path(tmp, "xdg"))}, cwd=tmp)
        self.assertEqual(code, EXIT_OK)
        self.assertIn("precision = 1", out)
        self.assertIn("percentiles = 10  # ", out)

    def test_bad_config_files_are_reported(self):
        with tempfile.TemporaryDirectory() as tmp:
            Path(tmp, "broken.toml").write_text("precision = \n", encoding="utf-8")
            code, _, err = run("--config", str(Path(tmp, "broken.toml")), "config", "show", cwd=tmp)
            self.assertEqual(code, EXIT_FAILURE)
            self.assertIn("broken.toml", err)
            Path(tmp, "typo.toml").write_text("precison = 2\n", encoding="utf-8")
            code, _, err = run("--config", str(Path(tmp, "typo.toml")), "config", "show", cwd=tmp)
            self.assertEqual(code, EXIT_FAILURE)
            self.assertIn("unknown setting 'precison'", err)
            code, _, err = run("--config", str(Path(tmp, "missing.toml")), "config", "show", cwd=tmp)
            self.assertIn("does not exist", err)
{%- if json_output %}

    def test_config_show_as_json(self):
        code, out, _ = run("config", "show", "--format", "json")
        self.assertEqual(code, EXIT_OK)
        self.assertEqual(json.loads(out)["precision"], {"value": 2, "origin": "default"})
{%- endif %}
{%- endif %}


if __name__ == "__main__":
    unittest.main()
