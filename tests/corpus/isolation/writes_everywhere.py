"""Write where later runs would execute or trust it: a .pyc planted in the grader's own
package, a .pth in site-packages, ~/.bashrc, the bank cache, the progress database, torch
itself -- through dir_fd (which the audit hook ignores), sqlite3 and the C library."""
import ctypes
import os
import sqlite3
import sys

TARGETS = {}
attempts = {}
libc = ctypes.CDLL(None, use_errno=True)


# Probes that change nothing when they get through: a file that exists is opened for
# appending and closed unwritten (the kernel checks at open); a new one is made and removed
# at once.  Either way "OPEN" is reported.


def _dirfd_write(path):
    folder = os.open(os.path.dirname(path) or "/", os.O_RDONLY | os.O_DIRECTORY)
    try:
        name = os.path.basename(path)
        existed = os.path.exists(path)
        fd = os.open(name, os.O_WRONLY | os.O_APPEND | (0 if existed else os.O_CREAT | os.O_EXCL), 0o644, dir_fd=folder)
        os.close(fd)
        if not existed:
            os.unlink(name, dir_fd=folder)
    finally:
        os.close(folder)


def _libc_write(path):
    existed = os.path.exists(path)
    fd = libc.open(path.encode(), os.O_WRONLY | os.O_APPEND | (0 if existed else os.O_CREAT | os.O_EXCL), 0o644)
    if fd < 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    libc.close(fd)
    if not existed:
        libc.unlink(path.encode())


def _sqlite_write(path):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE IF NOT EXISTS planted (x)")
    conn.execute("INSERT INTO planted VALUES (1)")
    conn.commit()
    conn.close()


def _try(name, fn, path):
    try:
        fn(path)
        attempts[name] = "OPEN"
    except Exception as exc:  # noqa: BLE001
        attempts[name] = "blocked"


import grader  # noqa: E402 - already loaded by the worker

package = os.path.dirname(grader.__file__)
site = next(p for p in sys.path if p.endswith("site-packages"))
targets = {
    "package-pyc": os.path.join(package, "__pycache__", "planted.cpython-311.pyc"),
    "site-pth": os.path.join(site, "planted-by-submission.pth"),
    "bashrc": os.path.join(TARGETS.get("home", "/root"), ".bashrc"),
    "torch": os.path.join(site, "torch", "planted.py"),
}
for name, path in TARGETS.get("write", {}).items():
    targets[name] = path
for name, path in sorted(targets.items()):
    _try(f"{name}-dirfd", _dirfd_write, path)
    _try(f"{name}-libc", _libc_write, path)
if "progress" in targets:
    _try("progress-sqlite", _sqlite_write, targets["progress"])


def rms_norm(x, weight, eps=1e-5):
    raise RuntimeError("attempts: " + " ".join(f"{k}={v}" for k, v in sorted(attempts.items())))
