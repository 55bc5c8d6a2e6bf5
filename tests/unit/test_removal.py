"""Removing a worker's folder (grader.sandbox.removal): deep, linked, unreadable trees."""

from __future__ import annotations

import os
import shutil
import sys

import pytest

from grader.sandbox.removal import remove_tree


def _deep(top, depth: int) -> None:
    """A chain of ``depth`` folders below ``top`` (built relative: the path is too long to name)."""
    base = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
    fd = base
    for _ in range(depth):
        os.mkdir("d", dir_fd=fd)
        child = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        if fd != base:
            os.close(fd)
        fd = child
    os.symlink(str(top.parent / "outside"), "link-out", dir_fd=fd)
    with open(os.open("f", os.O_WRONLY | os.O_CREAT, 0o600, dir_fd=fd), "w") as f:
        f.write("x")
    os.close(fd)
    os.close(base)


def test_a_tree_deeper_than_the_recursion_limit_is_removed_without_following_links(tmp_path):
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "keep").write_text("keep")
    top = tmp_path / "work"
    top.mkdir()
    _deep(top, 3000)
    if sys.version_info < (3, 12):  # why shutil.rmtree is not used (recursive until 3.12)
        with pytest.raises(RecursionError):
            shutil.rmtree(top, ignore_errors=True)
    assert remove_tree(top) is True
    assert not top.exists()
    assert (tmp_path / "outside" / "keep").read_text() == "keep"


def test_wide_and_locked_folders_are_removed_and_nothing_raises(tmp_path):
    top = tmp_path / "work"
    for i in range(50):
        (top / f"a{i}" / "b").mkdir(parents=True)
        (top / f"a{i}" / "b" / "file").write_text("x")
    (top / "a0").chmod(0)  # unreadable: a non-root grader could not list it as it is
    os.symlink(tmp_path, top / "up")
    assert remove_tree(top) is True and not top.exists()
    assert tmp_path.exists()
    assert remove_tree(top) is True  # already gone
    (tmp_path / "plain").write_text("x")
    assert remove_tree(tmp_path / "plain") is True  # a file in its place
