"""Where a learner's files live: <workspace>/<topic>/<id_with_underscores>.py."""

from __future__ import annotations

import errno
import os
import shutil
import time
from pathlib import Path
from typing import Optional

from grader.bank.loader import Bank


def workspace_dir(option: Optional[str] = None) -> Path:
    return Path(option or os.environ.get("LLAMAPREP_WORKSPACE") or "llamaprep-work")


def learner_file(workspace: Path, bank: Bank, qid: str) -> Path:
    q = bank.get(qid)
    return workspace / q.topic / f"{q.file_stem}.py"


def write_stub(workspace: Path, bank: Bank, qid: str, *, reset: bool = False) -> tuple[Path, str, Optional[Path]]:
    """Copy the stub into the workspace unless the learner's file is there already.

    Returns (path, what happened: "wrote" | "kept" | "reset", backup path when reset).
    With ``reset`` an existing file is first saved beside itself, so no work is lost.
    """
    path = learner_file(workspace, bank, qid)
    stub = bank.stub_path(qid).read_text(encoding="utf-8")
    backup = None
    if path.is_dir():  # "kept" would send the learner round in a circle with `grade`
        raise IsADirectoryError(errno.EISDIR, "a folder is where the file should be", str(path))
    if path.exists():
        if not reset:
            return path, "kept", None
        if path.read_text(encoding="utf-8", errors="replace") != stub:
            backup = path.with_name(f"{path.stem}.{time.strftime('%Y%m%d-%H%M%S')}.bak.py")
            shutil.copy2(path, backup)
        path.write_text(stub, encoding="utf-8")
        return path, "reset", backup
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(stub, encoding="utf-8")
    os.replace(tmp, path)
    return path, "wrote", None


CURRENT = ".llamaprep-current"  # the id of the question last practised, in the workspace


def set_current(workspace: Path, qid: str) -> None:
    """Remember ``qid`` as the question `hint`, `watch`, `solution` and `grade` act on when
    no id is given.  Best effort: a read-only workspace just forgets."""
    try:
        workspace.mkdir(parents=True, exist_ok=True)
        (workspace / CURRENT).write_text(qid + "\n", encoding="utf-8")
    except OSError:
        pass


def current(workspace: Path, bank: Bank) -> Optional[str]:
    """The question last practised in ``workspace``; without a record (or when its question is
    gone from the bank), the code question whose file was edited last; None when neither."""
    try:
        qid = (workspace / CURRENT).read_text(encoding="utf-8").strip()
    except OSError:
        qid = ""
    if qid in bank.questions:
        return qid
    started = [(learner_file(workspace, bank, q).stat().st_mtime, q) for q in attempted(workspace, bank)]
    return max(started)[1] if started else None


def attempted(workspace: Path, bank: Bank) -> list[str]:
    """Code questions whose file exists in the workspace, in bank order."""
    return [q.id for q in bank.by_topic(kind="code") if learner_file(workspace, bank, q.id).is_file()]
