"""Tries every route into the grader's own process and records which pid ran it.

Each attempt writes a file named after the pid that ran it next to this file, and every
call reports its pid in an error message; the test checks the grader's pid never appears.
"""
import atexit
import os
import pickle

_here = os.path.dirname(os.path.abspath(__file__))


def _mark(how):
    try:
        with open(os.path.join(_here, f"ran-{how}-{os.getpid()}"), "w") as f:
            f.write(str(os.getpid()))
        return "written"
    except OSError as exc:
        return f"blocked ({type(exc).__name__})"


class Trap:
    def __reduce__(self):
        return (_mark, ("unpickled",))

    def __del__(self):
        _mark("del")

    def __repr__(self):
        _mark("repr")
        return "Trap()"

    def __eq__(self, other):
        _mark("eq")
        return True

    def __float__(self):
        _mark("float")
        return 0.0


atexit.register(_mark, "atexit")
_how = _mark("import")


def rms_norm(x, weight, eps=1e-5):
    if x.shape[-1] == 96:  # one case returns the traps themselves
        return (Trap(), pickle.dumps(Trap()), {"trap": Trap()})
    raise RuntimeError(f"pid={os.getpid()} import-write={_how} call-write={_mark('call')}")
