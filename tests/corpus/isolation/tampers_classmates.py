"""In class grading: overwrite the classmates' submissions before they are graded, and
change torch for every later worker of the shared zygote (its files; its memory is
proc_mem.py's business)."""
import os

import torch

TARGETS = {}
attempts = {}


def _try(name, fn):
    try:
        fn()
        attempts[name] = "OPEN"
    except Exception as exc:  # noqa: BLE001
        attempts[name] = "blocked"


def _overwrite(path):
    folder = os.open(os.path.dirname(path), os.O_RDONLY | os.O_DIRECTORY)
    try:
        fd = os.open(os.path.basename(path), os.O_WRONLY | os.O_TRUNC, dir_fd=folder)
        os.write(fd, b"def rms_norm(x, weight, eps=1e-5):\n    return x * 0\n")
        os.close(fd)
    finally:
        os.close(folder)


for i, path in enumerate(TARGETS.get("classmates", [])):
    _try(f"classmate{i}", lambda path=path: _overwrite(path))
# torch's own file: opened for appending and closed unwritten (the kernel checks at open).
_try("torch-file", lambda: os.close(os.open(torch.__file__, os.O_WRONLY | os.O_APPEND)))


def rms_norm(x, weight, eps=1e-5):
    raise RuntimeError("attempts: " + " ".join(f"{k}={v}" for k, v in sorted(attempts.items())))
