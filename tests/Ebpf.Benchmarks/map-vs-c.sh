#!/usr/bin/env bash
# Compares Ebpf.Kernel's Map with raw bpf(2) system calls in C on the same hash map (10000 entries, 4-byte keys,
# 8-byte values):
#   lookup    one BPF_MAP_LOOKUP_ELEM            update   one BPF_MAP_UPDATE_ELEM
#   batch     all entries with BPF_MAP_LOOKUP_BATCH (1024-entry buffers)
#   iterate   all entries with BPF_MAP_GET_NEXT_KEY + BPF_MAP_LOOKUP_ELEM
# The C program and BenchmarkDotNet run at different times, so on a shared machine their ratio also measures the
# load. The same C loops are therefore also built as a library: BenchmarkDotNet measures them in its process
# (NativeLookup, NativeUpdate: "same process" lines, still at other times than ours), and the "paired rounds" lines
# (PairedMapComparison) alternate 1000 of our operations with 1000 of C's, so each ratio is taken under one load:
# those are the lines that check "within 5% of C".
# Builds native/map_ops.c with gcc, runs MapBenchmarks with a short BenchmarkDotNet job, and prints times,
# ratios (ours/C, medians on both sides) and our allocated bytes per operation.
# Usage: map-vs-c.sh     Needs root (CAP_BPF), gcc, python3 and the .NET SDK; about 2 minutes.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

gcc -O2 -o "$work/map_ops" "$here/native/map_ops.c"
gcc -O2 -shared -fPIC -DMAP_OPS_LIBRARY -o "$work/libmapops.so" "$here/native/map_ops.c"
export EBPF_MAP_OPS_LIBRARY="$work/libmapops.so"
# The C loop runs before and after BenchmarkDotNet; the faster of the two runs counts, as background load on a
# shared machine only ever slows a run down.
"$work/map_ops" 30 > "$work/c1.txt" 2> /dev/null

dotnet build "$here/Ebpf.Benchmarks.csproj" -c Release --nologo -v q > "$work/build.log" || { cat "$work/build.log"; exit 1; }
dll="$here/bin/Release/net10.0/Ebpf.Benchmarks.dll"
# BenchmarkDotNet finds the project from the current directory down: run it here, not where other checkouts are.
cd "$here"
dotnet "$dll" --job short --filter '*MapBenchmarks*' --exporters json \
    --artifacts "$work/artifacts" > "$work/bdn.log" 2>&1 || { tail -50 "$work/bdn.log"; exit 1; }

"$work/map_ops" 30 > "$work/c2.txt" 2> /dev/null
# Paired rounds: ours and the C loop alternate every 1000 operations in one process (see PairedMapComparison).
dotnet "$dll" --paired lookup 1000 > "$work/paired.txt"
dotnet "$dll" --paired update 1000 >> "$work/paired.txt"
grep -m 5 -E "Exception|error" "$work/bdn.log" || true

python3 - "$work/c1.txt" "$work/c2.txt" "$work/artifacts/results" <<'PY'
import glob, json, os, sys
c = {}
for path in sys.argv[1:3]:
    for line in open(path):
        op, ns = line.split()
        c[op] = min(c.get(op, float("inf")), float(ns))
ours = {}
for path in glob.glob(os.path.join(sys.argv[3], "*.json")):
    for b in json.load(open(path))["Benchmarks"]:
        if b.get("Statistics") is None:
            print(f"{b['Method']}: no result (the benchmark failed; see the BenchmarkDotNet log)")
            continue
        ours[b["Method"]] = (b["Statistics"]["Median"], b["Memory"]["BytesAllocatedPerOperation"])
for label, method, op in (("lookup", "Lookup", "lookup"), ("update", "Update", "update"),
                          ("batch lookup 10k", "BatchLookupAll", "batch"), ("per-key iteration 10k", "PerKeyIterationAll", "iterate")):
    if method not in ours:
        continue
    ns, allocated = ours[method]
    unit, scale = ("us", 1e3) if c[op] > 1e5 else ("ns", 1.0)
    print(f"map {label}: ours {ns / scale:.1f} {unit}, C {c[op] / scale:.1f} {unit}, ratio {ns / c[op]:.2f}, allocated {allocated} bytes")
if "BatchLookupAll" in ours and "PerKeyIterationAll" in ours:
    b, i = ours["BatchLookupAll"][0], ours["PerKeyIterationAll"][0]
    print(f"batch lookup vs per-key iteration (ours): batch {i / b:.1f}x faster")
print(f"batch lookup vs per-key iteration (C, the kernel's bound): batch {c['iterate'] / c['batch']:.1f}x faster")
for label, method, native in (("lookup", "Lookup", "NativeLookup"), ("update", "Update", "NativeUpdate")):
    if method in ours and native in ours:
        print(f"map {label}, same process: ours {ours[method][0]:.1f} ns, C loop {ours[native][0]:.1f} ns, ratio {ours[method][0] / ours[native][0]:.3f}")
if "Lookup" in ours and "RawSyscallLookup" in ours:
    print(f"map lookup vs a raw syscall(2) from the same process: ours {ours['Lookup'][0]:.1f} ns, raw {ours['RawSyscallLookup'][0]:.1f} ns, ratio {ours['Lookup'][0] / ours['RawSyscallLookup'][0]:.2f}")
PY
cat "$work/paired.txt"
