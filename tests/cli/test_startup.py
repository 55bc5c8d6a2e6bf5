"""What a command imports, checked without a stopwatch (benchmarks/startup.py has the times):
commands that do not grade never import torch, numpy or the sandbox, and typer builds only
the command that runs (grader.ui.commands)."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys

import pytest

from conftest import REPO

QID = "rmsnorm-forward"
# Run like the `llamaprep` script (cli.main), then report what got imported.
PROBE = """
import json, sys
sys.path.insert(0, {repo!r})
import typer.main
built = []
original = typer.main.get_command_from_info
def counting(command_info, **kw):
    built.append(command_info.name or command_info.callback.__name__)
    return original(command_info, **kw)
typer.main.get_command_from_info = counting
import cli
sys.argv = ["llamaprep", *{argv!r}]
try:
    cli.main()
except SystemExit:
    pass
print("PROBE " + json.dumps({{"modules": sorted(sys.modules), "built": built}}), file=sys.stderr)
"""
# rich.console alone is a third of the startup budget: these screens draw with grader.ui.term.
NEVER = ("torch", "numpy", "grader.grading.engine", "grader.sandbox", "rich.console", "rich.table")


def probe(argv: list[str], stdin: str = "") -> dict:
    code = PROBE.format(repo=str(REPO), argv=argv)
    proc = subprocess.run([sys.executable, "-c", code], input=stdin, capture_output=True, text=True, timeout=120)
    line = next((x for x in proc.stderr.splitlines() if x.startswith("PROBE ")), None)
    assert line is not None, proc.stderr[-1500:]  # cli.main() leaves by os._exit once torch is loaded
    return json.loads(line[len("PROBE "):])


@pytest.mark.parametrize(
    "argv, stdin",
    [
        (["--help"], ""),
        (["list"], ""),
        (["list", "--lang", "zh"], ""),
        (["--lang", "zh", "list", "rope"], ""),
        (["practice", QID, "--workspace", "{ws}"], ""),
        (["hint", QID], ""),
        (["quiz", "rope", "--count", "2"], "A\nB\n"),
        (["progress"], ""),
        (["corrections"], ""),
        (["solution", QID], ""),
    ],
)
def test_commands_that_do_not_grade_never_import_torch_or_rich(argv, stdin, tmp_path):
    found = probe([a.replace("{ws}", str(tmp_path)) for a in argv], stdin)
    heavy = [m for m in found["modules"] if m.split(".")[0] in NEVER or m.startswith(NEVER)]
    assert heavy == [], heavy


@pytest.mark.parametrize("argv, built", [(["list"], ["list"]), (["--lang", "zh", "hint", QID], ["hint"])])
def test_only_the_command_that_runs_is_built(argv, built):
    assert probe(argv)["built"] == built


def test_the_command_list_and_typos_still_see_every_command():
    from cli import app

    everything = probe(["--help"])["built"]
    assert len(everything) == len(app.registered_commands)
    assert len(probe(["lisst"])["built"]) == len(app.registered_commands)  # "did you mean 'list'?"


def test_the_command_list_builds_no_parameters_but_completion_does():
    """`llamaprep --help` lists names and help only (each command's parameters cost ~3 ms of
    annotations); shell completion needs every parameter."""
    from grader.ui.commands import keep_only_invoked

    def registered():
        import typer

        app = typer.Typer()

        @app.command(help="Show the bank.")
        def shown(topic: str = "rope") -> None: ...

        return app

    app = registered()
    keep_only_invoked(app, ["--help"])
    (info,) = app.registered_commands
    assert info.name == "shown" and info.help == "Show the bank."
    assert list(inspect.signature(info.callback).parameters) == []
    app = registered()
    keep_only_invoked(app, [], completing=True)
    assert list(inspect.signature(app.registered_commands[0].callback).parameters) == ["topic"]


def test_the_command_is_the_first_word_that_is_no_option_or_its_value():
    from grader.ui.commands import invoked

    assert invoked(["--lang", "zh", "list", "rope"]) == "list"
    assert invoked(["--lang=zh", "hint"]) == "hint"
    assert invoked(["--help"]) is None and invoked([]) is None
