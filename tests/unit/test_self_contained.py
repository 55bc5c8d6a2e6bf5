"""The repository stands alone: no code, test, doc or message points at files outside it
(the notes it was written from, or the folders of the machine it was written on)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from conftest import REPO

# Built from pieces, so that this file does not match itself.
OUTSIDE = re.compile("|".join(re.escape(s) for s in ["../" + "shared", "/" + "work/", "MYTHS" + ".md", "FACTS" + ".md", "SPEC" + ".md", "SPEC" + "'s"]))
TEXT = {".py", ".md", ".yaml", ".yml", ".toml", ".json", ".txt", ".cfg", ".sh", ""}
SKIP = {"__pycache__", "_source", "build", "dist"}  # and hidden folders (.git, .venv, .hypothesis)


def _files():
    for folder, dirs, files in os.walk(REPO):
        dirs[:] = [d for d in dirs if d not in SKIP and not d.startswith(".") and not d.endswith(".egg-info")]
        for name in files:
            path = Path(folder) / name
            if path.suffix in TEXT and path.stat().st_size < 2_000_000:
                yield path


def test_nothing_refers_outside_the_repository():
    found = []
    for path in sorted(_files()):
        for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if OUTSIDE.search(line):
                found.append(f"{path.relative_to(REPO)}:{n}: {line.strip()[:120]}")
    assert not found, "\n".join(found)


def test_the_myths_list_ships_with_every_claim():
    text = (REPO / "docs" / "myths.md").read_text(encoding="utf-8")
    from grader.bank.schema import MYTH_IDS

    assert all(f"| {m} |" in text for m in MYTH_IDS)
