"""Start 300 processes and threads at once (each sleeps), then report how many the kernel
allowed: the pids cgroup bounds the worker's whole tree.  Threads first (the kernel counts
them as tasks, and they start fast), then forks of this large process."""
import os
import signal
import threading
import time

TARGETS = {}
threading.stack_size(64 << 10)  # small stacks: the address-space limit must not be what stops it
threads = 0
for _ in range(300):
    try:
        threading.Thread(target=time.sleep, args=(60,), daemon=True).start()
    except RuntimeError:
        break
    threads += 1
forked = []
for _ in range(300 - threads):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        time.sleep(60)
        os._exit(0)
    forked.append(pid)
for pid in forked:
    os.kill(pid, signal.SIGKILL)
for pid in forked:
    os.waitpid(pid, 0)


def rms_norm(x, weight, eps=1e-5):
    raise RuntimeError(f"attempts: started={threads + len(forked)} threads={threads} forks={len(forked)}")
