"""Reach a port the test listens on (loopback TCP, IPv4 and IPv6), open a UDP and a raw
socket, bind a TCP server, and talk to the outside through an abstract unix socket."""
import socket

TARGETS = {}
attempts = {}


def _try(name, fn):
    try:
        fn()
        attempts[name] = "OPEN"
    except Exception as exc:  # noqa: BLE001
        attempts[name] = "blocked"


def _connect(family, host):
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(2)
        s.connect((host, TARGETS.get("port", 9)))
        s.sendall(b"hello from a submission")


def _bind():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        s.listen()


def _udp():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"x", ("127.0.0.1", TARGETS.get("port", 9)))


def _abstract():
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(2)
        s.connect(TARGETS.get("abstract", "\0llamaprep-test"))


_try("tcp4-loopback", lambda: _connect(socket.AF_INET, "127.0.0.1"))
_try("tcp6-loopback", lambda: _connect(socket.AF_INET6, "::1"))
_try("tcp-bind", _bind)
_try("udp", _udp)
_try("raw", lambda: socket.socket(socket.AF_PACKET, socket.SOCK_RAW).close())
_try("abstract-unix", _abstract)


def rms_norm(x, weight, eps=1e-5):
    raise RuntimeError("attempts: " + " ".join(f"{k}={v}" for k, v in sorted(attempts.items())))
