"""Workers drop to nobody only where nobody could still import Python's modules."""

from __future__ import annotations

import os

from grader.sandbox import _world_readable


def test_world_readable_needs_read_on_the_folder_and_search_on_every_parent(tmp_path):
    outer = tmp_path / "outer"
    inner = outer / "lib"
    inner.mkdir(parents=True)
    os.chmod(tmp_path, 0o755)
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
