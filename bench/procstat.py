"""CPU time of processes and of the machine (Linux).

A process's CPU time is read from its CPU-time clock, to the nanosecond: ``/proc/<pid>/stat``
counts in ticks of 10 ms, too coarse for the CPU of a few dozen presses.
"""

from __future__ import annotations

import os
import time

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
"""Kernel ticks per second, the unit of ``/proc/stat``."""

_CPUCLOCK_SCHED = 2
"""The kind of process CPU-time clock that counts every nanosecond the process ran."""


def cpu_seconds(pid: int) -> float:
    """CPU seconds used so far by every thread of the process ``pid``: the clock id of another
    process's CPU-time clock is ``(~pid << 3) | kind`` (clock_getcpuclockid(3) computes the
    same in glibc; Python does not offer it)."""
    return time.clock_gettime((~pid << 3) | _CPUCLOCK_SCHED)


def own_cpu_seconds() -> float:
    """CPU seconds of this process (the benchmark: server and traffic), every thread."""
    return time.process_time()


def machine_busy_seconds() -> float:
    """CPU seconds all cores have spent busy (not idle, not waiting for I/O) since boot."""
    with open("/proc/stat") as stat:
        fields = stat.readline().split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fields[:8])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS
