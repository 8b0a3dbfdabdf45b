"""The command line of {{ project_name }}: parsing, dispatch, output and exit codes.

Exit codes follow the usual conventions so scripts can tell failures apart: 0 success,
1 a failure the user can fix (bad data, missing file, bad setting), 2 wrong usage
(argparse), 130 interrupted by Ctrl-C. Errors are one line on stderr, never a traceback;
-v shows the traceback for bug reports.
"""

from __future__ import annotations

import argparse
{%- if json_output %}
import json
{%- endif %}
import logging
import sys
{%- if config_file %}
from pathlib import Path
{%- endif %}
from typing import Any, {% if config_file %}Mapping, {% endif %}Sequence, TextIO

from {{ package }} import __version__, settings as settings_module
from {{ package }}.stats import InvalidNumber, read_numbers, summarise

PROG = "{{ project_name }}"
EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

log = logging.getLogger(PROG)


class CliError(Exception):
    """A failure to report as one line and exit 1."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description={{ description | json }})
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv: debug)")
    parser.add_argument("-q", "--quiet", action="store_true", help="only errors on stderr")
{%- if config_file %}
    parser.add_argument(
        "--config", type=Path, metavar="FILE", help="settings file to use instead of ./.{{ project_name }}.toml"
    )
{%- endif %}
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    stats = commands.add_parser(
        "stats",
        help="summarise numbers, one per line",
        description="Count, min, max, mean and percentiles of the numbers in FILEs (one per line; "
        "blank lines and # comments are skipped). With no FILE, or -, read standard input.",
    )
    stats.add_argument("files", nargs="*", metavar="FILE", help="files to read (- for standard input)")
    stats.add_argument(
        "-p", "--percentile", dest="percentiles", action="append", type=float, metavar="P",
        help="percentile to report, 0-100 (repeatable; replaces the configured list)",
    )
    stats.add_argument("--precision", type=int, metavar="N", help="decimal places in the output")
    stats.add_argument("--skip-invalid", action="store_true", help="ignore lines that are not numbers")
{%- if json_output %}
    stats.add_argument("--format", choices=["text", "json"], default="text", help="output format")
{%- endif %}
{%- if config_file %}

    config = commands.add_parser("config", help="inspect settings")
    config_commands = config.add_subparsers(dest="config_command", required=True, metavar="COMMAND")
    show = config_commands.add_parser("show", help="every setting, its value and where it came from")
{%- if json_output %}
    show.add_argument("--format", choices=["text", "json"], default="text", help="output format")
{%- endif %}
{%- endif %}
    return parser


def configure_logging(verbose: int, quiet: bool, stderr: TextIO) -> None:
    level = logging.ERROR if quiet else [logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)]
    handler = logging.StreamHandler(stderr)
    handler.setFormatter(logging.Formatter(f"{PROG}: %(levelname)s: %(message)s"))
    log.handlers[:] = [handler]
    log.setLevel(level)
    log.propagate = False


def run_stats(args: argparse.Namespace, conf: settings_module.Settings, stdin: TextIO, stdout: TextIO) -> None:
    values: list[float] = []
    for name in args.files or ["-"]:
        if name == "-":
            values.extend(read_numbers(stdin, "<stdin>", args.skip_invalid))
            continue
        try:
            with open(name, encoding="utf-8") as handle:
                values.extend(read_numbers(handle, name, args.skip_invalid))
        except FileNotFoundError:
            raise CliError(f"{name}: no such file") from None
        except IsADirectoryError:
            raise CliError(f"{name}: is a directory") from None
        log.info("read %s", name)
    if not values:
        raise CliError("no numbers in the input")
    summary = summarise(values, conf.percentiles).as_dict(conf.precision)
{%- if json_output %}
    if args.format == "json":
        json.dump(summary, stdout, indent=2)
        stdout.write("\n")
        return
{%- endif %}
    rows: list[tuple[str, Any]] = [(k, v) for k, v in summary.items() if k != "percentiles"]
    rows += list(summary["percentiles"].items())  # type: ignore[union-attr]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        shown = value if isinstance(value, int) else f"{value:.{conf.precision}f}"
        stdout.write(f"{key.ljust(width)}  {shown}\n")
{%- if config_file %}


def run_config_show(args: argparse.Namespace, conf: settings_module.Settings, stdout: TextIO) -> None:
{%- if json_output %}
    if args.format == "json":
        shown = {k: {"value": conf.values[k], "origin": conf.origins[k]} for k in sorted(conf.values)}
        json.dump(shown, stdout, indent=2)
        stdout.write("\n")
        return
{%- endif %}
    for key in sorted(conf.values):
        value = conf.values[key]
        text = ",".join(f"{v:g}" for v in value) if isinstance(value, list) else str(value)
        stdout.write(f"{key} = {text}  # {conf.origins[key]}\n")
{%- endif %}


def main(
    argv: Sequence[str] | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
{%- if config_file %}
    env: Mapping[str, str] | None = None,
{%- endif %}
) -> int:
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    parser = build_parser()
    try:
        # argparse prints usage errors, --help and --version itself, and exits.
        old_out, old_err = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = stdout, stderr
        try:
            args = parser.parse_args(argv)
        finally:
            sys.stdout, sys.stderr = old_out, old_err
    except SystemExit as done:
        return EXIT_USAGE if done.code not in (0, None) else EXIT_OK
    configure_logging(args.verbose, args.quiet, stderr)
    flags = {
        "precision": getattr(args, "precision", None),
        "percentiles": getattr(args, "percentiles", None),
    }
    try:
{%- if config_file %}
        conf = settings_module.load(flags, env=env, config=args.config)
        if args.command == "config":
            run_config_show(args, conf, stdout)
        else:
            run_stats(args, conf, stdin, stdout)
{%- else %}
        conf = settings_module.load(flags)
        run_stats(args, conf, stdin, stdout)
{%- endif %}
    except (CliError, settings_module.SettingsError, InvalidNumber) as err:
        log.debug("failure", exc_info=True)
        stderr.write(f"{PROG}: error: {err}\n")
        return EXIT_FAILURE
    except OSError as err:
        log.debug("failure", exc_info=True)
        stderr.write(f"{PROG}: error: {err.strerror or err}: {err.filename or ''}\n")
        return EXIT_FAILURE
    except KeyboardInterrupt:
        stderr.write(f"{PROG}: interrupted\n")
        return EXIT_INTERRUPTED
    return EXIT_OK
