"""Opening the learner's file in their editor ($VISUAL, else $EDITOR), as git does."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path
from typing import Optional


class EditorError(Exception):
    """No editor configured, or it could not start: a one-line reason."""


def editor_command() -> Optional[list[str]]:
    for var in ("VISUAL", "EDITOR"):
        value = os.environ.get(var, "").strip()
        if value:
            return shlex.split(value)  # "code --wait" is a command with an argument
    return None


def open_in_editor(path: Path) -> int:
    """Run the editor on ``path`` and wait for it; returns its exit status."""
    command = editor_command()
    if command is None:
        raise EditorError("no editor")
    try:
        return subprocess.call([*command, str(path)])
    except OSError as exc:
        raise EditorError(exc.strerror or str(exc)) from None
