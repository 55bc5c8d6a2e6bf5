"""Build only the typer command that runs: typer turns every registered command into a click
command (evaluating each signature's annotations) before it parses anything, ~25 ms for
llamaprep's dozen commands on every run.  The command list (`llamaprep --help`), shell
completion and anything unrecognised still get them all.
"""

from __future__ import annotations

from typing import Any, Optional

# Options of the group itself that take a value: the word after them is not a command.
VALUED_OPTIONS = ("--lang",)


def invoked(args: list[str]) -> Optional[str]:
    """The first word of ``args`` that is not an option of the group (or its value)."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in VALUED_OPTIONS:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def command_name(info: Any) -> str:
    """The name typer gives a registered command (typer.main.get_command_name)."""
    return info.name or info.callback.__name__.lower().replace("_", "-")


def keep_only_invoked(app: Any, args: list[str], *, completing: bool = False) -> None:
    """Drop every registered command of the typer ``app`` but the one ``args`` runs.  When
    they run none, the command list (`llamaprep --help`) needs only each command's name and
    help: the commands are listed without their parameters (~40 ms of annotations).  Shell
    completion (``completing``) and a command that does not exist (typer's error then
    lists the real ones) keep them all."""
    name = invoked(args)
    if name is None and not completing:
        for info in app.registered_commands:
            listed_only(info)
        return
    mine = [info for info in app.registered_commands if command_name(info) == name]
    if mine:
        app.registered_commands = mine


def listed_only(info: Any) -> None:
    """``info`` as the command list shows it: its name and help, no parameters."""
    info.name = command_name(info)
    info.help = info.help if info.help is not None else (info.callback.__doc__ or "")

    def listed() -> None:  # never run: only `llamaprep --help` (or no command) builds it
        raise AssertionError("a listed-only command was run")

    info.callback = listed
