"""`llamaprep doctor`: what this machine's kernel offers for confining workers, and what
`grade` will use.  Probes for real (a throw-away child applies every layer), imports no
torch, and changes nothing it does not undo (the probe's cgroup folders are removed).
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass, field

from grader.sandbox import confine, kernel, landlock


@dataclass
class Finding:
    name: str
    status: str  # "yes" | "no" | "info"
    detail: str


@dataclass
class DoctorReport:
    findings: list[Finding] = field(default_factory=list)
    isolation: dict = field(default_factory=dict)


def _userns_unprivileged() -> str:
    for path, off in (("/proc/sys/kernel/unprivileged_userns_clone", "0"), ("/proc/sys/user/max_user_namespaces", "0")):
        try:
            with open(path) as f:
                if f.read().strip() == off:
                    return f"disabled ({path} = {off})"
        except OSError:
            continue
    return "allowed"


def _nobody_drop() -> str:
    from grader.sandbox.zygote import _world_readable

    roots = [os.path.dirname(os.__file__)]
    torch_dir = confine._package_dir("torch")
    if torch_dir:
        roots.append(os.path.dirname(torch_dir))
    blocked = [r for r in roots if not _world_readable(r)]
    if os.geteuid() != 0:
        return "not root: workers keep your user"
    if blocked:
        return f"skipped: {blocked[0]} is not readable by nobody (Landlock still confines the workers)"
    return "workers drop to nobody (uid 65534)"


def diagnose() -> DoctorReport:
    plan = confine.prepare(probe=True, cgroups=True)
    try:
        report = DoctorReport(isolation=plan.report())
    finally:
        plan.cgroups.close()
    add = report.findings.append
    add(Finding("kernel", "info", f"Linux {platform.release()} on {kernel.machine()}"))
    add(Finding("running as", "info", "root" if os.geteuid() == 0 else f"uid {os.geteuid()}"))
    abi = landlock.abi()
    add(Finding("Landlock", "yes" if abi else "no",
                f"ABI {abi}" + (" (signal and abstract-socket scoping)" if abi >= confine.FULL_LANDLOCK_ABI else
                                " (no signal scoping: needs ABI 6, Linux 6.12)" if abi else ": not in this kernel")))
    add(Finding("seccomp filters", "yes" if os.path.exists("/proc/sys/kernel/seccomp/actions_avail") else "no",
                "available" if kernel.arch() else f"no syscall table for {kernel.machine()}"))
    add(Finding("user namespaces", "info", _userns_unprivileged()))
    add(Finding("cgroups", "yes" if plan.cgroups.controllers else "no",
                ", ".join(f"{c.name} ({'v2' if c.v2 else 'v1'})" for c in plan.cgroups.controllers) or "none writable"))
    add(Finding("drop to nobody", "info", _nobody_drop()))
    for layer in confine.LAYERS:
        used = layer in plan.layers
        add(Finding(f"grade uses {layer}", "yes" if used else "no", plan.details.get(layer, "") if used else plan.missing.get(layer, "")))
    return report
