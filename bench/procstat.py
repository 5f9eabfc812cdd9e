"""CPU time of a process from ``/proc/<pid>/stat`` (Linux)."""

from __future__ import annotations

import os
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
"""Kernel ticks per second, the unit of utime and stime."""

_UTIME, _STIME = 14, 15
"""1-based positions of utime and stime in ``/proc/<pid>/stat`` (proc(5))."""

_FIRST_AFTER_NAME = 3
"""Position of the first field after the command name, which may contain spaces."""


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds used so far by every thread of the process."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    ticks = int(fields[_UTIME - _FIRST_AFTER_NAME]) + int(fields[_STIME - _FIRST_AFTER_NAME])
    return ticks / CLOCK_TICKS


def own_cpu_seconds() -> float:
    """CPU seconds of this process (the benchmark: server and traffic), every thread."""
    times = os.times()
    return times.user + times.system


def machine_busy_seconds() -> float:
    """CPU seconds all cores have spent busy (not idle, not waiting for I/O) since boot."""
    with open("/proc/stat") as stat:
        fields = stat.readline().split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fields[:8])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS
