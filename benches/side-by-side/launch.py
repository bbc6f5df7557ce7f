"""Runs one command and reports its wall time and resource use.

`python3 -I -S launch.py PROGRAM ARG...` prints, on its last stderr line,
`wall_seconds max_rss_kib cpu_seconds exit_code` for PROGRAM (`os.wait4`).

Why a separate, minimal process: Linux counts the memory of the process
that forked the command (until its `exec`) in the command's `ru_maxrss`,
so launching from the benchmark script itself would add the script's own
~20 MiB as a floor. This launcher imports nothing but `os`, `sys` and
`time`; its floor (about 8 MiB) is reported by the benchmark as well.
"""

import os
import sys
import time

t0 = time.perf_counter()
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - t0
print(
    f"{wall} {usage.ru_maxrss} {usage.ru_utime + usage.ru_stime} "
    f"{os.waitstatus_to_exitcode(status)}",
    file=sys.stderr,
)
