#!/bin/bash
# cpu-time.sh OUT CMD [ARG...]: runs CMD and writes to OUT the CPU seconds (user + system) that it
# and every process it started used.  Exits with CMD's status.
#
# From a cgroup of its own when the machine lets this user make one (cgroup v2 cpu.stat, else
# v1 cpuacct): that counts the processes that left CMD's tree too (a test case's daemons and
# sims, reaped by init), which getrusage misses; a testbed suite's CPU was a third higher so
# counted.  Else from getrusage of the children CMD waited for, and OUT says "rusage" after
# the number.
set -u
out=$1
shift

cg='' usage=''
v2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts 2>/dev/null)
v1=$(awk '$3 == "cgroup" && $4 ~ /(^|,)cpuacct(,|$)/ { print $2; exit }' /proc/mounts 2>/dev/null)
if [ -n "$v2" ] && [ -f "$v2/cgroup.procs" ] && mkdir "$v2/xsa178-kit.$$" 2>/dev/null; then
    cg=$v2/xsa178-kit.$$ procs=$cg/cgroup.procs
elif [ -n "$v1" ] && mkdir "$v1/xsa178-kit.$$" 2>/dev/null; then
    cg=$v1/xsa178-kit.$$ procs=$cg/tasks
fi

if [ -n "$cg" ]; then
    rm -f "$out.unjoined"
    # shellcheck disable=SC2016  # expanded by the inner shell
    bash -c '{ echo $$ >"$1"; } 2>/dev/null || : >"$2"; shift 2; exec "$@"' cpu-time "$procs" "$out.unjoined" "$@"
    rc=$?
    if [ -f "$out.unjoined" ]; then
        usage='?'
        rm -f "$out.unjoined"
    elif [ -f "$cg/cpu.stat" ]; then
        usage=$(awk '$1 == "usage_usec" { printf "%.3f", $2 / 1e6 }' "$cg/cpu.stat")
    else
        usage=$(awk '{ printf "%.3f", $1 / 1e9 }' "$cg/cpuacct.usage")
    fi
    # A process the command left running keeps its cgroup; it goes once the process does.
    rmdir "$cg" 2>/dev/null || true
    printf '%s cgroup\n' "$usage" >"$out"
else
    TIMEFORMAT='%3U %3S'
    { time "$@" 2>&3; } 3>&2 2>"$out.time"
    rc=$?
    awk '{ printf "%.3f rusage\n", $1 + $2 }' "$out.time" >"$out"
    rm -f "$out.time"
fi
exit "$rc"
