"""Removing a worker's folder, whatever the submission left in it.

shutil.rmtree (Python 3.11) recurses once per level and holds a descriptor per level: a tree
a few thousand folders deep raises RecursionError (which ignore_errors does not cover) or
runs out of descriptors.  This walk is a loop with one descriptor open at a time, never
follows a symbolic link (each folder is opened with O_NOFOLLOW relative to its parent, and
the way back up through ".." is checked against the inode recorded on the way down), and
never raises: it says whether the folder is gone.
"""

from __future__ import annotations

import os
import stat

_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def _open_dir(name: str, dir_fd: int) -> int:
    try:
        return os.open(name, _DIR, dir_fd=dir_fd)
    except PermissionError:  # a folder the submission made unreadable (a non-root grader)
        handle = os.open(name, os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dir_fd)
        try:
            os.chmod(f"/proc/self/fd/{handle}", stat.S_IRWXU)
        finally:
            os.close(handle)
        return os.open(name, _DIR, dir_fd=dir_fd)


def _scan(fd: int) -> list[str]:
    """Unlink everything in the folder ``fd`` but its subfolders, whose names it returns."""
    try:
        os.fchmod(fd, stat.S_IRWXU)  # unlinking needs write and search rights here
    except OSError:
        pass
    folders = []
    with os.scandir(fd) as entries:
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.name)
                else:
                    os.unlink(entry.name, dir_fd=fd)
            except FileNotFoundError:
                pass
    return folders


def _ident(fd: int) -> tuple[int, int]:
    st = os.fstat(fd)
    return st.st_dev, st.st_ino


def _empty(fd: int) -> None:
    """Remove everything below the folder ``fd`` (closed on return)."""
    # one entry per level being emptied: (its inode, its name in the parent, folders left)
    stack = [(_ident(fd), "", _scan(fd))]
    try:
        while True:
            ident, name, left = stack[-1]
            if left:
                child_name = left.pop()
                try:
                    child = _open_dir(child_name, fd)
                except FileNotFoundError:
                    continue
                os.close(fd)
                fd = child
                stack.append((_ident(fd), child_name, _scan(fd)))
                continue
            stack.pop()
            if not stack:
                return
            parent = os.open("..", _DIR, dir_fd=fd)
            os.close(fd)
            fd = parent
            if _ident(fd) != stack[-1][0]:
                raise OSError(f"folder {name!r} was moved while it was being removed")
            os.rmdir(name, dir_fd=fd)
    finally:
        os.close(fd)


def remove_tree(path: os.PathLike | str) -> bool:
    """Remove ``path`` and everything in it; True when it no longer exists."""
    path = os.fspath(path)
    try:
        fd = os.open(path, _DIR)
    except FileNotFoundError:
        return True
    except OSError:  # not a folder (or a link to one): remove the entry itself
        try:
            os.unlink(path)
        except OSError:
            pass
        return not os.path.lexists(path)
    try:
        _empty(fd)
        os.rmdir(path)
    except OSError:
        pass
    return not os.path.lexists(path)
