"""Reading a file a worker could have tampered with (its output.txt), without trusting it.

The worker owns its folder: it may have replaced the file with a FIFO (an open for reading
would block the grader for ever), a symlink or a hard link to the reference solution (the
grader would show the solution as "your code printed"), a device, or a huge file.  So:
no symlink is followed, neither for the folder nor for the file (O_NOFOLLOW), the open
never blocks (O_NONBLOCK), only a regular file with a single link is read, and never more
than the caller's bound.
"""

from __future__ import annotations

import os
import stat
from typing import Optional

_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


class Untrusted(OSError):
    """The file is not a plain file of the worker's own (FIFO, link, device...)."""


def read_bounded(folder: str, name: str, offset: int, limit: int) -> Optional[tuple[bytes, int]]:
    """Up to ``limit`` bytes of ``folder/name`` from ``offset``, and the file's size; None
    when there is no such file.  Untrusted when it is anything but a plain file."""
    try:
        dirfd = os.open(folder, _FLAGS | os.O_DIRECTORY)
    except FileNotFoundError:
        return None
    try:
        try:
            fd = os.open(name, _FLAGS, dir_fd=dirfd)
        except FileNotFoundError:
            return None
        except OSError as exc:  # ELOOP: a symlink
            raise Untrusted(exc.errno, f"{name}: not a plain file ({exc.strerror})") from None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
                raise Untrusted(0, f"{name}: not a plain file of the worker's own")
            want = max(0, min(limit, st.st_size - offset))
            return (os.pread(fd, want, offset) if want else b""), st.st_size
        finally:
            os.close(fd)
    finally:
        os.close(dirfd)
