"""Reach a host service listening on a *pathname* unix socket the test opened to anyone
(as docker.sock or a tmux server would be): Landlock has no right for connect() on a socket
file, so only the seccomp filter stands between a worker and such a service.  Also try the
other ways to a new socket or connection: a datagram to the socket file, a socketpair, and
sendmsg on the inherited channel."""
import socket

TARGETS = {}
attempts = {}


def _try(name, fn):
    try:
        fn()
        attempts[name] = "OPEN"
    except Exception as exc:  # noqa: BLE001
        attempts[name] = f"blocked({type(exc).__name__})"


def _stream():
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(2)
        s.connect(TARGETS.get("unix_path", "/nonexistent"))
        s.sendall(b"hello from a submission")


def _dgram():
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.sendto(b"hello from a submission", TARGETS.get("unix_dgram", "/nonexistent"))


def _pair():
    a, b = socket.socketpair()
    a.close()
    b.close()


def _sendmsg_inherited():
    # the worker's channel to the grader is the one socket it holds; a message with an
    # address (or passing a descriptor) must not go out on it
    for fd in range(3, 256):
        try:
            s = socket.socket(fileno=fd)
        except OSError:
            continue
        try:
            s.sendmsg([b"x"], [], 0, TARGETS.get("unix_dgram", "/nonexistent"))
        finally:
            s.detach()
        return
    raise OSError("no inherited socket found")


_try("unix-stream-file", _stream)
_try("unix-dgram-file", _dgram)
_try("socketpair", _pair)
_try("sendmsg-inherited", _sendmsg_inherited)


def rms_norm(x, weight, eps=1e-5):
    raise RuntimeError("attempts: " + " ".join(f"{k}={v}" for k, v in sorted(attempts.items())))
