"""The message channel between the trusted parent and the learner's child process.

No pickle: a message is a JSON header followed by raw tensor buffers.  Decoding only
builds plain values (None, bool, int, float, str, list, tuple, dict with str keys) and
dense CPU tensors of an allow-listed dtype whose byte count matches their shape, so
nothing the child sends can run code in the parent.  Everything is bounded: header size,
blob count and bytes, nesting depth.

Frame: b"LPv1" | u32 header length | header JSON | u32 blob count | (u64 length, bytes)*
"""

from __future__ import annotations

import itertools
import json
import math
import select
import socket
import struct
import time
from typing import Any, Optional

import torch

MAGIC = b"LPv1"
MAX_HEADER = 4 << 20
MAX_BLOBS = 256
MAX_BLOB_BYTES = 512 << 20  # what the grader may send a worker
# What a worker may send back in one reply: far above any answer of the bank (the largest
# is well under 1 MiB) yet small enough that a hostile reply costs each grading thread at
# most this much memory; the buffers grow only as bytes actually arrive.
MAX_REPLY_BYTES = 64 << 20
# A reply's JSON header: tensors travel in the buffers, so the header holds only their
# metadata (about 80 bytes each, at most MAX_BLOBS of them), a status and short messages;
# the largest the bank's references, stubs and mistakes produce is 410 bytes.  4 MiB of
# "[[],[],...]" cost the grader about 200 MB to parse; 256 KiB bounds that near 12 MB.
MAX_REPLY_HEADER = 256 << 10
MAX_DEPTH = 16
MAX_DIM = 1 << 40  # no real tensor has a longer dimension; bounds shapes of empty tensors too

DTYPES = {
    name: getattr(torch, name)
    for name in (
        "float64", "float32", "float16", "bfloat16", "complex64", "complex128",
        "int64", "int32", "int16", "int8", "uint8", "bool",
    )
}


class WireError(Exception):
    """The peer sent something malformed, too large, or nothing in time."""


class PeerClosed(WireError):
    pass


class WireTimeout(WireError):
    pass


class Unsupported:
    """A returned value the child could only name, not send as data; never executed."""

    def __init__(self, what: str):
        self.what = str(what)[:200]

    def __repr__(self) -> str:
        return f"<{self.what}>"


def make_noncontiguous(t: torch.Tensor) -> torch.Tensor:
    """Same values, every other element of a buffer twice as wide in the last dim."""
    if t.dim() == 0 or t.numel() == 0:
        return t
    wide = torch.zeros(*t.shape[:-1], 2 * t.shape[-1], dtype=t.dtype)
    view = wide[..., ::2]
    view.copy_(t)
    return view


def _dtype_name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


# ---------------------------------------------------------------- encoding


def encode(value: Any, blobs: list[bytes], depth: int = 0) -> Any:
    """A JSON-able tree for ``value``; tensor bytes are appended to ``blobs``."""
    if depth > MAX_DEPTH:
        return {"__unsupported__": "nesting too deep"}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if isinstance(value, torch.Tensor):
        return _encode_tensor(value, blobs)
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v, blobs, depth + 1) for v in value]}
    if isinstance(value, list):
        return [encode(v, blobs, depth + 1) for v in value]
    if isinstance(value, dict):
        if all(type(k) is str for k in value):
            return {"__dict__": {k: encode(v, blobs, depth + 1) for k, v in value.items()}}
        return {"__unsupported__": "dict with non-string keys"}
    return {"__unsupported__": f"{type(value).__module__}.{type(value).__qualname__}"[:120]}


def _encode_tensor(t: torch.Tensor, blobs: list[bytes]) -> Any:
    kind = type(t)
    if kind is not torch.Tensor and kind is not torch.nn.Parameter:
        return {"__unsupported__": f"tensor subclass {kind.__qualname__}"[:120]}
    if t.layout != torch.strided:
        return {"__unsupported__": f"{t.layout} tensor (expected a dense, strided tensor)"}
    if t.device.type != "cpu":
        return {"__unsupported__": f"tensor on device {t.device}"}
    name = _dtype_name(t.dtype)
    if name not in DTYPES:
        return {"__unsupported__": f"tensor of dtype {name}"}
    nbytes = t.numel() * t.element_size()
    if nbytes > MAX_REPLY_BYTES:
        return {"__unsupported__": f"tensor of {nbytes} bytes (too large to return)"}
    if len(blobs) >= MAX_BLOBS:
        return {"__unsupported__": "too many tensors"}
    data = t.detach().contiguous().reshape(-1).view(torch.uint8).numpy().tobytes()
    blobs.append(data)
    return {
        "__tensor__": len(blobs) - 1,
        "dtype": name,
        "shape": list(t.shape),
        "noncontig": not t.is_contiguous() and t.dim() > 0,
    }


# ---------------------------------------------------------------- decoding


def decode(tree: Any, blobs: list[bytes], *, noncontig: bool = False, depth: int = 0) -> Any:
    if depth > MAX_DEPTH + 2:
        raise WireError("nesting too deep")
    if tree is None or isinstance(tree, (bool, int, float, str)):
        return tree
    if isinstance(tree, list):
        return [decode(v, blobs, noncontig=noncontig, depth=depth + 1) for v in tree]
    if not isinstance(tree, dict) or len(tree) == 0:
        raise WireError("malformed value")
    if "__tensor__" in tree:
        return _decode_tensor(tree, blobs, noncontig)
    if set(tree) == {"__tuple__"} and isinstance(tree["__tuple__"], list):
        return tuple(decode(v, blobs, noncontig=noncontig, depth=depth + 1) for v in tree["__tuple__"])
    if set(tree) == {"__dict__"} and isinstance(tree["__dict__"], dict):
        return {str(k): decode(v, blobs, noncontig=noncontig, depth=depth + 1) for k, v in tree["__dict__"].items()}
    if set(tree) == {"__float__"} and tree["__float__"] in ("nan", "inf", "-inf"):
        return float(tree["__float__"])
    if set(tree) == {"__unsupported__"}:
        return Unsupported(tree["__unsupported__"])
    raise WireError("malformed value")


def _decode_tensor(tree: dict, blobs: list[bytes], noncontig: bool) -> torch.Tensor:
    index, name, shape = tree.get("__tensor__"), tree.get("dtype"), tree.get("shape")
    if not isinstance(index, int) or not 0 <= index < len(blobs):
        raise WireError("tensor refers to a missing buffer")
    if name not in DTYPES:
        raise WireError(f"tensor of unknown dtype {str(name)[:40]!r}")
    if not isinstance(shape, list) or len(shape) > 16 or not all(type(n) is int and 0 <= n <= MAX_DIM for n in shape):
        raise WireError("malformed tensor shape")
    dtype = DTYPES[name]
    numel = math.prod(shape)
    itemsize = torch.empty((), dtype=dtype).element_size()
    data = blobs[index]
    if numel * itemsize != len(data):
        raise WireError(f"tensor buffer has {len(data)} bytes, shape {shape} needs {numel * itemsize}")
    # A received buffer is ours alone (bytearray): wrap it without another copy.
    buf = data if isinstance(data, bytearray) else bytearray(data)
    flat = torch.frombuffer(buf, dtype=torch.uint8) if data else torch.empty(0, dtype=torch.uint8)
    if dtype is torch.bool and flat.numel() and int(flat.max()) > 1:
        raise WireError("bool tensor with bytes other than 0 and 1")
    try:
        t = flat.view(dtype).reshape(shape)
    except (RuntimeError, ValueError, OverflowError) as exc:
        raise WireError(f"tensor cannot be rebuilt: {str(exc)[:80]}") from None
    if noncontig and tree.get("noncontig") is True and t.dim() > 0 and t.numel() > 0:
        t = make_noncontiguous(t)
    return t


# ---------------------------------------------------------------- framing


# Every request (a header with an "op") gets a fresh id, which the worker echoes in its
# reply; recv_message on that socket then accepts only the reply that carries it, so a
# reply can never be taken for the answer to another request (a stale one, one written
# ahead of time, one from a process the worker forked).  Keyed by socket: a socket is used
# by one grading thread at a time.
_request_ids = itertools.count(1)
_awaiting: dict[int, int] = {}  # socket fd -> id of the request it waits to hear about


def send_message(sock: socket.socket, header: dict, blobs: Optional[list[bytes]] = None) -> None:
    blobs = blobs or []
    if "op" in header:
        header = {**header, "rid": next(_request_ids)}
        _awaiting[sock.fileno()] = header["rid"]
    head = json.dumps(header, separators=(",", ":")).encode()
    parts = [MAGIC, struct.pack("<I", len(head)), head, struct.pack("<I", len(blobs))]
    for blob in blobs:
        parts.append(struct.pack("<Q", len(blob)))
        parts.append(blob)
    if sum(map(len, blobs)) < (1 << 20):
        sock.sendall(b"".join(parts))  # one syscall for the common small message
    else:
        for part in parts:  # no giant copy for large tensors
            sock.sendall(part)


def _wait_readable(sock: socket.socket, deadline: Optional[float], alive: Optional[int]) -> None:
    """Until ``sock`` has data; PeerClosed when ``alive`` (a pidfd) says the sender ended
    and nothing is left to read, WireTimeout at ``deadline``."""
    poller = select.poll()  # not select(): descriptors above 1023 are fine
    try:
        poller.register(sock, select.POLLIN)
        if alive is not None:
            poller.register(alive, select.POLLIN)
    except (OSError, ValueError) as exc:
        raise PeerClosed(f"channel error: {exc}") from None
    fd = sock.fileno()
    while True:
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            raise WireTimeout("no answer in time")
        events = dict(poller.poll(None if remaining is None else max(1, int(remaining * 1000) + 1)))
        if fd in events:
            return  # data, end-of-file or an error: recv tells which
        if events:  # the process ended; what it sent before is still readable
            if not _has_data(sock):
                raise PeerClosed("the process ended")
            return


def _has_data(sock: socket.socket) -> bool:
    p = select.poll()
    p.register(sock, select.POLLIN)
    return bool(p.poll(0))


def _recv_exact(sock: socket.socket, n: int, deadline: Optional[float], alive: Optional[int] = None) -> bytearray:
    """``n`` bytes; the buffer grows as they arrive (a length announced but never sent
    costs nothing)."""
    buf = bytearray()
    sock.settimeout(None)
    while len(buf) < n:
        _wait_readable(sock, deadline, alive)
        try:
            chunk = sock.recv(min(n - len(buf), 1 << 20))
        except OSError as exc:
            raise PeerClosed(f"channel error: {exc}") from None
        if not chunk:
            raise PeerClosed("the process closed the channel")
        buf += chunk
    return buf


def recv_message(sock: socket.socket, deadline: Optional[float] = None, alive: Optional[int] = None) -> tuple[dict, list[bytearray]]:
    """One message.  ``alive``: a pidfd of the sender, so that its death is noticed even
    when a process it forked keeps the channel open."""

    def read(n: int) -> bytearray:
        return _recv_exact(sock, n, deadline, alive)

    awaited = _awaiting.pop(sock.fileno(), None)  # set: this is the grader reading a reply
    limit = MAX_BLOB_BYTES if awaited is None else MAX_REPLY_BYTES
    header_limit = MAX_HEADER if awaited is None else MAX_REPLY_HEADER

    if read(4) != MAGIC:
        raise WireError("bad frame")
    (hlen,) = struct.unpack("<I", read(4))
    if hlen > header_limit:
        raise WireError(f"header too large ({hlen} bytes, at most {header_limit})")
    try:
        header = json.loads(read(hlen))
    except (ValueError, RecursionError):
        raise WireError("header is not JSON") from None
    if not isinstance(header, dict):
        raise WireError("header is not an object")
    if awaited is not None and header.get("rid") != awaited:
        raise WireError("a reply that answers no request of the grader's")
    (count,) = struct.unpack("<I", read(4))
    if count > MAX_BLOBS:
        raise WireError("too many buffers")
    blobs, total = [], 0
    for _ in range(count):
        (size,) = struct.unpack("<Q", read(8))
        total += size
        if total > limit:
            raise WireError(f"buffers too large (more than {limit >> 20} MiB)")
        blobs.append(read(size))
    return header, blobs
