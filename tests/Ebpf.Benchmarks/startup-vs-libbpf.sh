#!/usr/bin/env bash
# Startup and load times of the SDK against libbpf and bpftool on the same objects and kernel:
#   (a) `ebpf inspect OBJ` and `ebpf btf dump OBJ --format raw` (the NativeAOT ebpf) vs `bpftool gen subskeleton OBJ`
#       (libbpf opens the object and lists its maps, programs and variables) and `bpftool btf dump file OBJ format raw`
#   (b) a fresh process that opens, loads and closes the large object: `ebpf load OBJ` (NativeAOT) vs
#       native/object_load.c (bpf_object__open_file + __load + __close)
#   (c) the same load repeated in one warm process: CollectionSpec.Load + Collection.Load + Dispose vs libbpf's
#       open + load + close, in paired rounds in one process (Kernel/PairedLoadComparison.cs)
#   (d) process start to first attached link: tests/Ebpf.Benchmarks.Startup (NativeAOT) vs native/attach_first.c,
#       both loading examples/SyscallCounter/syscalls.bpf.c and attaching it to raw_syscalls/sys_enter, timed from
#       exec to the "attached" line on stdout
# OBJ is bpf/gadget.bpf.c, built here against this kernel's vmlinux.h (bpftool btf dump ... format c): 96 tracing
# programs, 40 maps and thousands of CO-RE relocations, about 2.8 MB like an Inspektor Gadget gadget.
# Process timings (a, b, d) alternate ours and the reference run by run (ROUNDS each, default 15) and take medians,
# so both see the same machine load; RSS is the peak resident set (/usr/bin/time -f %M) of one more run of each.
# Each line reads `name: ours X ms, libbpf Y ms, ratio R, RSS ours A MiB, libbpf B MiB`; the script ends with
# `target ... met` or `not met` per target: (a) <= 3x, (b) <= 1.5x, (c) <= 1.0x, (d) <= 2x.
# The NativeAOT publishes run with warnings as errors, as every build: the layers are trim- and AOT-clean.
# Usage: startup-vs-libbpf.sh [ROUNDS] [PARTS]
#   PARTS: which of a, b, c, d to run (default abcd; `a` publishes only ebpf and runs only the two (a) lines).
#                                          Needs root, clang-14, bpftool, gcc, libbpf-dev, python3, GNU time
#                                          (Debian package `time`) and the .NET SDK; 5-10 minutes (two AOT publishes).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
rounds="${1:-15}"
parts="${2:-abcd}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for tool in clang-14 llvm-strip-14 bpftool gcc python3; do
    command -v "$tool" > /dev/null || { echo "startup-vs-libbpf.sh needs $tool" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "startup-vs-libbpf.sh needs GNU time for RSS (apt-get install time)" >&2; exit 1; }

# The objects: the gadget-sized one against this kernel's vmlinux.h, and SyscallCounter's for (d).
bpftool btf dump file /sys/kernel/btf/vmlinux format c > "$work/vmlinux.h"
bpf_flags=(-g -O2 -target bpfel -mcpu=v3 -Wall -Werror -I"$work" -I/usr/include/"$(gcc -print-multiarch)")
clang-14 "${bpf_flags[@]}" -c "$here/bpf/gadget.bpf.c" -o "$work/gadget.bpfel.o"
clang-14 "${bpf_flags[@]}" -c "$repo/examples/SyscallCounter/syscalls.bpf.c" -o "$work/syscalls.bpfel.o"
object="$work/gadget.bpfel.o"

# The references.
gcc -O2 -I"$here/native" -o "$work/object_load" "$here/native/object_load.c" -lbpf
gcc -O2 -shared -fPIC -DOBJECT_LOAD_LIBRARY -I"$here/native" -o "$work/libobjectload.so" "$here/native/object_load.c" -lbpf
gcc -O2 -o "$work/attach_first" "$here/native/attach_first.c" -lbpf

# Ours: the NativeAOT ebpf and attach program, and the benchmarks (JIT) for the warm rounds.
publish() {
    dotnet publish "$1" -r linux-x64 -c Release --nologo -v q -o "$2" > "$work/publish.log" 2>&1 \
        || { tail -30 "$work/publish.log"; exit 1; }
}
publish "$repo/tools/Ebpf.Cli/Ebpf.Cli.csproj" "$work/cli"
[[ "$parts" != *d* ]] || publish "$repo/tests/Ebpf.Benchmarks.Startup/Ebpf.Benchmarks.Startup.csproj" "$work/startup"
ebpf="$work/cli/ebpf"
attach="$work/startup/Ebpf.Benchmarks.Startup"

if [[ "$parts" == *c* ]]; then
    dotnet build "$here/Ebpf.Benchmarks.csproj" -c Release --nologo -v q > "$work/build.log" || { cat "$work/build.log"; exit 1; }
    EBPF_OBJECT_LOAD_LIBRARY="$work/libobjectload.so" dotnet "$here/bin/Release/net10.0/Ebpf.Benchmarks.dll" \
        --paired-load "$object" $((rounds * 2)) > "$work/warm.txt"
    /usr/bin/time -f %M -o "$work/warm-c.rss" "$work/object_load" "$object" 5 > /dev/null
fi

python3 - "$rounds" "$work" "$ebpf" "$attach" "$object" "$parts" <<'PY'
import os, statistics, subprocess, sys, time
rounds, work, ebpf, attach, obj, parts = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
syscalls = os.path.join(work, "syscalls.bpfel.o")
attach_args = [syscalls, "count_syscalls", "raw_syscalls", "sys_enter"]

def run_to_exit(cmd):
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - t0) * 1000

def run_to_attached(cmd):
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline()
    ms = (time.perf_counter() - t0) * 1000
    p.wait()
    if line.strip() != "attached" or p.returncode != 0:
        sys.exit(f"{cmd[0]} did not attach (exit {p.returncode}, printed {line!r})")
    return ms

def rss_mib(cmd):
    out = os.path.join(work, "rss")
    subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return int(open(out).read().split()[-1]) / 1024

def paired(name, ours, ref, measure, target):
    measure(ours), measure(ref)  # page cache, kernel BTF in memory
    o, r = [], []
    for i in range(rounds):
        for cmd, samples in ((ours, o), (ref, r)) if i % 2 == 0 else ((ref, r), (ours, o)):
            samples.append(measure(cmd))
    mo, mr = statistics.median(o), statistics.median(r)
    print(f"{name}: ours {mo:.1f} ms, libbpf {mr:.1f} ms, ratio {mo / mr:.2f}, RSS ours {rss_mib(ours):.1f} MiB, libbpf {rss_mib(ref):.1f} MiB")
    return (name, mo / mr, target)

results = []
if "a" in parts:
    results.append(paired("(a) inspect vs bpftool gen subskeleton", [ebpf, "inspect", obj], ["bpftool", "gen", "subskeleton", obj], run_to_exit, 3.0))
    results.append(paired("(a) btf dump raw vs bpftool btf dump", [ebpf, "btf", "dump", obj, "--format", "raw"],
                          ["bpftool", "btf", "dump", "file", obj, "format", "raw"], run_to_exit, 3.0))
if "b" in parts:
    results.append(paired("(b) fresh process open+load+close", [ebpf, "load", obj], [os.path.join(work, "object_load"), obj, "1"], run_to_exit, 1.5))
if "c" in parts:
    warm = open(os.path.join(work, "warm.txt")).read().split()
    ours_ms, libbpf_ms, ratio, q1, q3, allocated, ws = (float(x) for x in warm[1:8])
    warm_c_rss = int(open(os.path.join(work, "warm-c.rss")).read().split()[-1]) / 1024
    print(f"(c) warm in-process load: ours {ours_ms:.1f} ms, libbpf {libbpf_ms:.1f} ms, ratio {ratio:.2f} (median of {rounds * 2} "
          f"paired rounds, quartiles {q1:.2f}-{q3:.2f}), RSS ours+libbpf in one process {ws:.1f} MiB, libbpf alone {warm_c_rss:.1f} MiB")
    results.append(("(c) warm in-process load", ratio, 1.0))
if "d" in parts:
    results.append(paired("(d) process start to first attached link", [attach] + attach_args,
                          [os.path.join(work, "attach_first")] + attach_args, run_to_attached, 2.0))
size = os.path.getsize(obj) / 1048576
print(f"object: {size:.2f} MiB; (d) object: {os.path.getsize(syscalls) / 1024:.1f} KiB")
for name, ratio, target in results:
    print(f"target {name} <= {target:.1f}x: {ratio:.2f}: {'met' if ratio <= target else 'not met'}")
PY
