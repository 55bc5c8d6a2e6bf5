import os
import pickle

MARKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "unpickled-marker")


class Payload:
    def __reduce__(self):
        return (open, (MARKER, "w"))


def rms_norm(x, weight, eps=1e-5):
    return pickle.dumps(Payload())
