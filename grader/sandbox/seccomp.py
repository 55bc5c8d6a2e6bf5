"""A seccomp BPF filter: system calls a submission never needs fail with EPERM.

Denied: debugging other processes (ptrace, process_vm_readv/writev, kcmp, pidfd_getfd,
process_madvise), running programs (execve, execveat), FIFOs and devices (mknod), mounts
and namespaces (mount, fsopen & co, unshare, setns, clone with namespace flags, pivot_root,
chroot), kernel modules, kexec, reboot, swap, the clock, bpf, perf_event_open, io_uring,
userfaultfd, the kernel keyring, file handles (open_by_handle_at), signalling through a
pidfd, and every new socket or connection: socket, socketpair, connect, bind, listen,
accept, accept4, sendmsg, sendmmsg, and sendto with an address.  A worker talks only over
the socket it inherits, already connected, with send (sendto without an address) and recv;
Landlock does not cover connect() to a socket *file*, so without this a worker could reach
any host service listening on one (docker.sock, a tmux server...).  System calls of another
ABI (i386 or x32 on x86_64; i386's socketcall among them) are all denied.  clone3 answers ENOSYS: its flags sit in memory a filter cannot
read, and the C library then falls back to clone, whose flags it can.

The program is built once (in the zygote) and installed by each worker after no_new_privs.
"""

from __future__ import annotations

import ctypes
import errno
import struct
from typing import Optional

from grader.sandbox import kernel

# Denied system calls by name, then their numbers per architecture (absent: no such call).
DENIED = (
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd", "pidfd_send_signal", "process_madvise",
    "execve", "execveat", "mknod", "mknodat",
    "mount", "umount2", "pivot_root", "chroot", "unshare", "setns",
    "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr",
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "reboot",
    "swapon", "swapoff", "acct", "quotactl", "quotactl_fd", "syslog", "vhangup",
    "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "sethostname", "setdomainname",
    "iopl", "ioperm", "bpf", "perf_event_open", "userfaultfd", "fanotify_init",
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    "keyctl", "add_key", "request_key", "open_by_handle_at", "name_to_handle_at",
    "move_pages", "migrate_pages", "lookup_dcookie", "uselib",
    "socket", "socketpair", "connect", "bind", "listen", "accept", "accept4", "sendmsg", "sendmmsg",
)
NUMBERS = {
    "x86_64": {
        "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311, "kcmp": 312, "pidfd_getfd": 438,
        "pidfd_send_signal": 424, "process_madvise": 440, "execve": 59, "execveat": 322, "mknod": 133, "mknodat": 259,
        "mount": 165, "umount2": 166, "pivot_root": 155, "chroot": 161, "unshare": 272, "setns": 308,
        "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433, "move_mount": 429, "open_tree": 428, "mount_setattr": 442,
        "init_module": 175, "finit_module": 313, "delete_module": 176, "kexec_load": 246, "kexec_file_load": 320, "reboot": 169,
        "swapon": 167, "swapoff": 168, "acct": 163, "quotactl": 179, "quotactl_fd": 443, "syslog": 103, "vhangup": 153,
        "settimeofday": 164, "clock_settime": 227, "clock_adjtime": 305, "adjtimex": 159, "sethostname": 170, "setdomainname": 171,
        "iopl": 172, "ioperm": 173, "bpf": 321, "perf_event_open": 298, "userfaultfd": 323, "fanotify_init": 300,
        "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
        "keyctl": 250, "add_key": 248, "request_key": 249, "open_by_handle_at": 304, "name_to_handle_at": 303,
        "move_pages": 279, "migrate_pages": 256, "lookup_dcookie": 212, "uselib": 134,
        "socket": 41, "socketpair": 53, "connect": 42, "bind": 49, "listen": 50, "accept": 43, "accept4": 288,
        "sendmsg": 46, "sendmmsg": 307, "sendto": 44, "clone": 56, "clone3": 435,
    },
    "aarch64": {
        "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271, "kcmp": 272, "pidfd_getfd": 438,
        "pidfd_send_signal": 424, "process_madvise": 440, "execve": 221, "execveat": 281, "mknodat": 33,
        "mount": 40, "umount2": 39, "pivot_root": 41, "chroot": 51, "unshare": 97, "setns": 268,
        "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433, "move_mount": 429, "open_tree": 428, "mount_setattr": 442,
        "init_module": 105, "finit_module": 273, "delete_module": 106, "kexec_load": 104, "kexec_file_load": 294, "reboot": 142,
        "swapon": 224, "swapoff": 225, "acct": 89, "quotactl": 60, "quotactl_fd": 443, "syslog": 116, "vhangup": 58,
        "settimeofday": 170, "clock_settime": 112, "clock_adjtime": 266, "adjtimex": 171, "sethostname": 161, "setdomainname": 162,
        "bpf": 280, "perf_event_open": 241, "userfaultfd": 282, "fanotify_init": 262,
        "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
        "keyctl": 219, "add_key": 217, "request_key": 218, "open_by_handle_at": 265, "name_to_handle_at": 264,
        "move_pages": 239, "migrate_pages": 238, "lookup_dcookie": 18,
        "socket": 198, "socketpair": 199, "connect": 203, "bind": 200, "listen": 201, "accept": 202, "accept4": 242,
        "sendmsg": 211, "sendmmsg": 269, "sendto": 206, "clone": 220, "clone3": 435,
    },
}
# CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET (not NEWTIME, 0x80:
# in clone's flags that bit is part of the exit signal).
CLONE_NAMESPACES = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000
X32_BIT = 0x40000000

RET_ALLOW = 0x7FFF0000
RET_ERRNO = 0x00050000

# Classic BPF opcodes.
LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
JGE_K = 0x35  # BPF_JMP | BPF_JGE | BPF_K
JSET_K = 0x45  # BPF_JMP | BPF_JSET | BPF_K
RET_K = 0x06  # BPF_RET | BPF_K
OFF_NR, OFF_ARCH, OFF_ARG0 = 0, 4, 16  # struct seccomp_data; args are little-endian u64s
OFF_ARG4 = OFF_ARG0 + 4 * 8  # sendto's dest_addr


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _assemble(ops: list) -> bytes:
    """Classic BPF from (code, jump-if-true label, jump-if-false label, k) tuples and
    ("label", name) markers; a jump label None means the next instruction."""
    where: dict[str, int] = {}
    real = []
    for op in ops:
        if op[0] == "label":
            where[op[1]] = len(real)
        else:
            real.append(op)
    out = []
    for i, (code, jt, jf, k) in enumerate(real):
        offsets = [0 if label is None else where[label] - i - 1 for label in (jt, jf)]
        if not all(0 <= off <= 255 for off in offsets):
            raise ValueError("seccomp program: jump out of range")
        out.append(struct.pack("<HBBI", code, offsets[0], offsets[1], k))
    return b"".join(out)


def program(machine: Optional[str] = None) -> Optional[bytes]:
    """The filter for ``machine`` (default: this one) as packed sock_filter structs;
    None for an architecture whose numbers are not known here."""
    machine = machine or kernel.machine()
    numbers = NUMBERS.get(machine)
    if numbers is None:
        return None
    deny, allow = RET_ERRNO | errno.EPERM, RET_ALLOW
    ops: list = [
        (LD_W_ABS, None, None, OFF_ARCH),
        (JEQ_K, None, "deny", kernel.ARCHES[machine]["audit"]),  # any other ABI: denied outright
        (LD_W_ABS, None, None, OFF_NR),
    ]
    if machine == "x86_64":
        ops.append((JGE_K, "deny", None, X32_BIT))
    ops += [(JEQ_K, "deny", None, nr) for nr in sorted({numbers[n] for n in DENIED if n in numbers})]
    ops += [
        (JEQ_K, "nosys", None, numbers["clone3"]),
        (JEQ_K, "clone", None, numbers["clone"]),
        (JEQ_K, "sendto", None, numbers["sendto"]),
        (RET_K, None, None, allow),
        ("label", "clone"),
        (LD_W_ABS, None, None, OFF_ARG0),
        (JSET_K, "deny", None, CLONE_NAMESPACES),
        (RET_K, None, None, allow),
        ("label", "sendto"),  # send() is sendto(fd, buf, n, flags, NULL, 0): both halves of the pointer 0
        (LD_W_ABS, None, None, OFF_ARG4),
        (JEQ_K, None, "deny", 0),
        (LD_W_ABS, None, None, OFF_ARG4 + 4),
        (JEQ_K, None, "deny", 0),
        (RET_K, None, None, allow),
        ("label", "nosys"),
        (RET_K, None, None, RET_ERRNO | errno.ENOSYS),
        ("label", "deny"),
        (RET_K, None, None, deny),
    ]
    return _assemble(ops)


def install(prog: bytes) -> None:
    """Apply the filter to this thread and everything it starts, for good."""
    buf = ctypes.create_string_buffer(prog, len(prog))
    fprog = SockFprog(len(prog) // 8, ctypes.cast(buf, ctypes.c_void_p))
    kernel.prctl(kernel.PR_SET_SECCOMP, kernel.SECCOMP_MODE_FILTER, ctypes.byref(fprog))
