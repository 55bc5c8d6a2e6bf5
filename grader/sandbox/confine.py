"""Kernel-enforced confinement of a worker, applied after fork and before the submission loads.

Layers, each used where the kernel has it (SECURITY.md says what each one stops):

- ``namespaces``: new network and IPC namespaces (inside a new user namespace when the
  grader is not root): no network interface but a downed loopback, no shared SysV IPC;
- ``cgroups`` ``pids`` and ``memory``: a process limit and a memory limit for the worker's tree;
- ``no-privileges``: every capability dropped (bounding and ambient sets too) and
  no_new_privs, so a root worker keeps no CAP_SYS_PTRACE, CAP_DAC_OVERRIDE, CAP_SYS_ADMIN...;
- ``landlock``: read-only access to Python, its site-packages and the grader's own modules,
  write access to the worker's folder only, no execute, no TCP, signals and abstract unix
  sockets scoped to the worker's own processes (grader.sandbox.landlock);
- ``seccomp``: the system calls a submission never needs fail (grader.sandbox.seccomp).

``prepare`` runs once in the zygote (and in ``llamaprep doctor``): it finds what the kernel
offers, builds the seccomp program, lists the folders to allow, and proves the whole
sequence on a throw-away child, so that a layer that fails there is reported missing
instead of failing every worker.  ``begin``/``finish`` then run in each worker, around its
drop to ``nobody``.  A layer the plan promised but the worker cannot apply stops the worker
(it is never run with less isolation than the report claims).

``LLAMAPREP_ISOLATION_DISABLE`` (comma-separated layer names, or ``landlock:N`` to cap the
Landlock ABI) simulates an older kernel for tests; it is read by the grader's own process.
"""

from __future__ import annotations

import ctypes
import importlib.util
import json
import os
import site
import sysconfig
import tempfile
from dataclasses import dataclass, field
from typing import Optional

from grader.sandbox import kernel, landlock, seccomp
from grader.sandbox.cgroups import PIDS_MAX, Cgroups

LAYERS = ("landlock", "namespaces", "no-privileges", "seccomp", "pids", "memory")
# What "full" confinement means: the layers that keep a submission from the grader, its
# classmates, the network and the disk.  pids and memory bound resources, not reach.
REQUIRED = ("landlock", "namespaces", "no-privileges", "seccomp")
FULL_LANDLOCK_ABI = 6  # signal and abstract-unix-socket scoping
MEMORY_SLACK = 256 << 20  # pages a worker copies from the zygote count against its tree
DISABLE_ENV = "LLAMAPREP_ISOLATION_DISABLE"

CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWNET = 0x08000000, 0x10000000, 0x40000000
_LINUX_CAPABILITY_VERSION_3 = 0x20080522


class ConfinementError(RuntimeError):
    """A layer the plan counted on could not be applied in a worker."""


@dataclass
class Plan:
    landlock_abi: int = 0
    read_only: list[str] = field(default_factory=list)  # folders and files workers may read
    seccomp_program: Optional[bytes] = None
    userns: bool = False  # namespaces need a user namespace first (not root)
    nproc: Optional[int] = None  # RLIMIT_NPROC where no pids cgroup is available
    cgroups: Cgroups = field(default_factory=Cgroups)
    layers: list[str] = field(default_factory=list)
    missing: dict[str, str] = field(default_factory=dict)
    details: dict[str, str] = field(default_factory=dict)  # e.g. landlock -> "ABI 7"

    def has(self, layer: str) -> bool:
        return layer in self.layers

    def report(self) -> dict:
        """The grade JSON's ``isolation`` object."""
        if all(self.has(layer) for layer in REQUIRED) and self.landlock_abi >= FULL_LANDLOCK_ABI:
            level = "full"
        elif self.has("landlock") or self.has("seccomp") or self.has("namespaces"):
            level = "partial"
        else:
            level = "basic"
        layers = [f"{layer} {self.details[layer]}" if layer in self.details else layer for layer in self.layers]
        return {"level": level, "layers": layers, "missing": dict(self.missing)}


def _disabled() -> dict[str, str]:
    """Layer -> value from $LLAMAPREP_ISOLATION_DISABLE ("" or e.g. "4" for landlock:4)."""
    out = {}
    for item in os.environ.get(DISABLE_ENV, "").split(","):
        name, _, value = item.strip().partition(":")
        if name == "cgroups":
            out.update(pids="", memory="")
        elif name:
            out[{"userns": "namespaces", "caps": "no-privileges"}.get(name, name)] = value
    return out


# ---------------------------------------------------------------- what workers may read


def _package_dir(name: str) -> Optional[str]:
    """Where an installed top-level package lives, without importing it (doctor must not
    import torch)."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return os.path.realpath(list(spec.submodule_search_locations)[0])


def read_only_roots() -> list[str]:
    """Python's standard library, site-packages, the grader package and the system's shared
    libraries; nothing else (no home folder, no bank, no class folder, no data dir)."""
    paths = sysconfig.get_paths()
    roots = {paths.get("stdlib"), paths.get("platstdlib"), paths.get("purelib"), paths.get("platlib"), os.path.dirname(os.__file__)}
    roots.update(site.getsitepackages() if hasattr(site, "getsitepackages") else [])
    user = site.getusersitepackages() if hasattr(site, "getusersitepackages") else None
    if user and os.path.isdir(user):
        roots.add(user)
    for package in ("grader", "torch", "numpy"):  # an editable install lives outside site-packages
        where = _package_dir(package)
        if where:
            roots.add(where if package == "grader" else os.path.dirname(where))
    # Shared libraries that a late import's extension module links against, and the files
    # the C library reads to find them, to name the time zone and the locale.
    roots.update({"/usr/lib", "/usr/lib64", "/lib", "/lib64", "/usr/local/lib", "/etc/ld.so.cache", "/etc/localtime",
                  "/usr/share/zoneinfo", "/usr/lib/locale"})
    # /proc: the worker's own entries (other processes' memory and files are kept from it by
    # Landlock's ptrace rule); the CPU topology that OpenMP and torch read.
    roots.update({"/proc", "/sys/devices/system/cpu", "/dev/urandom", "/dev/random", "/dev/zero"})
    return sorted({os.path.realpath(r) for r in roots if r and os.path.exists(r)})


def carve(roots: list[str], hidden: list[str]) -> list[str]:
    """``roots`` minus every ``hidden`` folder inside one of them: Landlock only allows,
    so a root holding a hidden folder is replaced by its other entries, recursively."""
    hidden = [os.path.realpath(h) for h in hidden if h]
    out: list[str] = []
    todo = list(roots)
    while todo:
        root = todo.pop()
        if root in hidden:
            continue
        # (a root inside a hidden folder stays: the interpreter may live in a home folder
        # that holds the submission; only what is below a hidden folder is left out)
        inside = [h for h in hidden if h.startswith(root.rstrip("/") + "/")]
        if not inside:
            out.append(root)
            continue
        try:
            todo.extend(os.path.join(root, entry) for entry in os.listdir(root))
        except OSError:
            continue
    return sorted(out)


def default_hidden() -> list[str]:
    """Folders no worker may read even when they sit inside an allowed one (the home
    folder is not among the allowed ones, only the interpreter's folders inside it may be)."""
    hidden = []
    try:
        from grader.bank.loader import builtin_bank_dir

        hidden.append(str(builtin_bank_dir() / "solutions"))
    except Exception:  # noqa: BLE001 - the grader's package path is all that is needed here
        pass
    try:
        from grader.learner.progress import data_dir

        hidden.append(str(data_dir()))
    except Exception:  # noqa: BLE001
        pass
    return hidden


# ---------------------------------------------------------------- preparing (zygote, doctor)


def _user_process_count() -> int:
    uid, count = os.getuid(), 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                count += os.stat(f"/proc/{entry}").st_uid == uid
            except OSError:
                pass
    return count


def prepare(*, probe: bool = True, cgroups: bool = True) -> Plan:
    """What this kernel offers, checked on a throw-away child when ``probe``."""
    plan = Plan()
    off = _disabled()
    root = os.geteuid() == 0

    def missing(layer: str, reason: str) -> None:
        plan.missing[layer] = reason

    if kernel.arch() is None:
        for layer in ("landlock", "seccomp", "no-privileges", "namespaces"):
            missing(layer, f"architecture {kernel.machine()} is not supported by the confinement code")
    else:
        abi = landlock.abi()
        if "landlock" in off and off["landlock"].isdigit():
            abi = min(abi, int(off["landlock"]))
        elif "landlock" in off:
            abi = 0
        if abi <= 0:
            missing("landlock", "not in this kernel (or disabled)" if "landlock" not in off else f"disabled by {DISABLE_ENV}")
        else:
            plan.landlock_abi = abi
            plan.read_only = carve(read_only_roots(), default_hidden())
            plan.layers.append("landlock")
            plan.details["landlock"] = str(abi)
            if abi < FULL_LANDLOCK_ABI:
                missing("landlock-scoping", f"Landlock ABI {abi} < {FULL_LANDLOCK_ABI}: signals and abstract unix sockets are not scoped")
        if "seccomp" in off:
            missing("seccomp", f"disabled by {DISABLE_ENV}")
        elif not os.path.exists("/proc/sys/kernel/seccomp/actions_avail"):
            missing("seccomp", "seccomp filters are not available in this kernel")
        else:
            plan.seccomp_program = seccomp.program()
            plan.layers.append("seccomp")
        if "no-privileges" in off:
            missing("no-privileges", f"disabled by {DISABLE_ENV}")
        else:
            plan.layers.append("no-privileges")
        if "namespaces" in off:
            missing("namespaces", f"disabled by {DISABLE_ENV} (simulated: no user namespaces)")
        elif not os.path.exists("/proc/self/ns/net"):
            missing("namespaces", "network namespaces are not available in this kernel")
        else:
            plan.userns = not root
            plan.layers.append("namespaces")
            plan.details["namespaces"] = "net+ipc" + ("" if root else " in a user namespace")
    wanted = tuple(c for c in ("pids", "memory") if c not in off)
    for name in ("pids", "memory"):
        if name in off:
            missing(name, f"disabled by {DISABLE_ENV}")
    if cgroups and wanted:
        plan.cgroups = Cgroups.prepare(wanted)
        plan.missing.update(plan.cgroups.missing)
        plan.layers += [c.name for c in plan.cgroups.controllers]
    elif wanted:
        for name in wanted:
            missing(name, "not set up (a dry run)")
    if not plan.cgroups.has("pids"):
        if root:
            plan.missing["pids"] = plan.missing.get("pids", "no pids cgroup") + "; RLIMIT_NPROC does not bind root"
        elif "pids" not in off:
            plan.nproc = _user_process_count() + PIDS_MAX
            plan.layers.append("pids")
            plan.details["pids"] = "RLIMIT_NPROC"
            plan.missing.pop("pids", None)
    if probe:
        _probe(plan)
    return plan


def _probe(plan: Plan) -> None:
    """Apply every layer in a throw-away child; move each one that fails to ``missing``."""
    workdir = tempfile.mkdtemp(prefix="llamaprep-probe-")
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        failed: dict[str, str] = {}
        try:
            os.close(read_fd)
            pending = begin(plan, workdir, memory_bytes=64 << 20, strict=False, failed=failed)
            finish(pending, strict=False, failed=failed)
            _check_applied(plan, failed)
        except BaseException as exc:  # noqa: BLE001 - reported, never raised in the zygote
            failed.setdefault("confinement", f"{type(exc).__name__}: {exc}")
        finally:
            os.write(write_fd, json.dumps(failed).encode()[:60000])
            os._exit(0)
    os.close(write_fd)
    chunks = []
    while True:
        chunk = os.read(read_fd, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read_fd)
    os.waitpid(pid, 0)
    plan.cgroups.forget(pid)
    try:
        os.rmdir(workdir)
    except OSError:
        pass
    try:
        failed = json.loads(b"".join(chunks) or b"{}")
    except ValueError:
        failed = {"confinement": "the probe child sent no report"}
    for layer, reason in failed.items():
        if layer in plan.layers:
            plan.layers.remove(layer)
        plan.missing[layer] = f"failed on this machine: {reason}"


def _check_applied(plan: Plan, failed: dict[str, str]) -> None:
    """In the probe: what /proc says about the layers just applied."""
    status = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            status[key] = value.strip()
    if plan.has("no-privileges") and "no-privileges" not in failed:
        if status.get("CapEff") != "0000000000000000" or status.get("CapBnd") != "0000000000000000" or status.get("NoNewPrivs") != "1":
            failed["no-privileges"] = f"capabilities still held (CapEff {status.get('CapEff')})"
    if plan.has("seccomp") and "seccomp" not in failed and status.get("Seccomp") != "2":
        failed["seccomp"] = "no filter in force"
    if plan.has("landlock") and "landlock" not in failed:
        try:
            open("/etc/hostname" if os.path.exists("/etc/hostname") else "/etc/passwd", "rb").close()
            failed["landlock"] = "a file outside the allowed folders could still be read"
        except PermissionError:
            pass
        except OSError:
            pass


# ---------------------------------------------------------------- applying (each worker)


@dataclass
class Pending:
    plan: Plan
    ruleset: Optional[int] = None


def _unshare(plan: Plan) -> None:
    flags = CLONE_NEWNET | CLONE_NEWIPC
    uid, gid = os.getuid(), os.getgid()
    if plan.userns:
        flags |= CLONE_NEWUSER
    kernel.check(kernel.syscall(kernel.arch()["unshare"], flags), "unshare")
    if plan.userns:  # keep the same uid/gid inside, so files made in the folder are ours
        for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
            with open(f"/proc/self/{name}", "w") as f:
                f.write(text)


def _drop_bounding() -> None:
    kernel.prctl(kernel.PR_CAP_AMBIENT, kernel.PR_CAP_AMBIENT_CLEAR_ALL)
    try:
        with open("/proc/sys/kernel/cap_last_cap") as f:
            last = int(f.read())
    except (OSError, ValueError):
        last = 40
    for cap in range(last + 1):
        kernel.prctl(kernel.PR_CAPBSET_DROP, cap)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _drop_capabilities() -> None:
    header = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    kernel.check(kernel.syscall(kernel.arch()["capset"], ctypes.byref(header), ctypes.byref(data)), "capset")


def _step(layer: str, plan: Plan, strict: bool, failed: Optional[dict], action) -> None:
    if not plan.has(layer) or (failed is not None and layer in failed):
        return
    try:
        action()
    except (OSError, ValueError) as exc:
        if strict:
            raise ConfinementError(f"{layer}: {exc}") from None
        if failed is not None:
            failed[layer] = str(exc)[:200]


def begin(plan: Plan, workdir: str, *, memory_bytes: int, hidden: tuple[str, ...] = (), strict: bool = True,
          failed: Optional[dict] = None) -> Pending:
    """The steps that need the grader's privileges: namespaces, cgroups, the bounding set,
    the Landlock ruleset (opening the allowed folders).  Then the caller may drop to nobody."""
    import resource

    pending = Pending(plan)
    _step("namespaces", plan, strict, failed, lambda: _unshare(plan))
    for layer in ("pids", "memory"):
        if plan.cgroups.has(layer) and plan.has(layer):
            _step(layer, plan, strict, failed, lambda: plan.cgroups.join(memory_bytes + MEMORY_SLACK))
            break  # one join covers every controller
    if plan.nproc is not None and plan.has("pids"):
        _step("pids", plan, strict, failed, lambda: resource.setrlimit(resource.RLIMIT_NPROC, (plan.nproc, plan.nproc)))
    _step("no-privileges", plan, strict, failed, _drop_bounding)

    def build() -> None:
        folders = carve(plan.read_only, list(hidden)) if hidden else plan.read_only
        rules = [(path, landlock.READ) for path in folders]
        rules += [(os.devnull, landlock.READ_FILE | landlock.WRITE_FILE), (workdir, landlock.OWN_FOLDER)]
        pending.ruleset = landlock.build(plan.landlock_abi, rules)

    _step("landlock", plan, strict, failed, build)
    return pending


def finish(pending: Pending, *, strict: bool = True, failed: Optional[dict] = None) -> None:
    """After the drop to nobody: no capabilities, no_new_privs, Landlock, seccomp (last: it
    denies some of the calls made before it)."""
    plan = pending.plan
    _step("no-privileges", plan, strict, failed, _drop_capabilities)
    needs_nnp = plan.has("landlock") or plan.has("seccomp") or plan.has("no-privileges")
    if needs_nnp:
        try:
            kernel.prctl(kernel.PR_SET_NO_NEW_PRIVS, 1)
        except OSError as exc:
            if strict:
                raise ConfinementError(f"no_new_privs: {exc}") from None
    if pending.ruleset is not None:
        _step("landlock", plan, strict, failed, lambda: landlock.restrict_self(pending.ruleset))
    if plan.seccomp_program is not None:
        _step("seccomp", plan, strict, failed, lambda: seccomp.install(plan.seccomp_program))
