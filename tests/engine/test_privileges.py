"""Workers drop to nobody only where nobody could still import Python's modules."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from grader.sandbox.zygote import _world_readable


@pytest.fixture
def open_dir():
    """A folder every user can reach (pytest's own tmp_path sits below a 0700 folder)."""
    path = Path(tempfile.mkdtemp(prefix="llamaprep-perm-"))
    os.chmod(path, 0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_world_readable_needs_read_on_the_folder_and_search_on_every_parent(open_dir):
    outer = open_dir / "outer"
    inner = outer / "lib"
    inner.mkdir(parents=True)
    os.chmod(outer, 0o755)
    os.chmod(inner, 0o755)
    assert _world_readable(str(inner))
    os.chmod(outer, 0o700)  # like /root: the folder below cannot be reached by others
    assert not _world_readable(str(inner))
    os.chmod(outer, 0o755)
    os.chmod(inner, 0o711)  # reachable but not listable
    assert not _world_readable(str(inner))


def test_a_missing_folder_is_not_readable(tmp_path):
    assert not _world_readable(str(tmp_path / "nope"))
