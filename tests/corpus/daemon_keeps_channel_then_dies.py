import os
import time


def rms_norm(x, weight, eps=1e-5):
    """A daemon in a new session inherits the result channel; then the worker dies.

    The grader must not wait for the daemon to close the channel.
    """
    if os.fork() == 0:
        os.setsid()
        while True:
            time.sleep(1)
    os._exit(3)
