#!/usr/bin/env bash
# Compares CollectionSpec.Load with libbpf's bpf_object__open_mem (+ close) on the same object, by default the
# ~1 MB bpf/big.bpfel.o the benchmarks build (bpf/big.bpf.c). Builds native/object_open.c with gcc and -lbpf
# (libbpf-dev), runs CollectionSpecLoadBenchmarks with a short BenchmarkDotNet job, and prints times, the ratio
# (ours/libbpf) and our allocated bytes per operation.
# Usage: specs-vs-libbpf.sh [OBJECT-FILE]     Needs gcc, libbpf-dev, python3 and the .NET SDK; a few minutes.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

dotnet build "$here/Ebpf.Benchmarks.csproj" -c Release --nologo -v q > "$work/build.log" || { cat "$work/build.log"; exit 1; }
dll="$here/bin/Release/net10.0/Ebpf.Benchmarks.dll"
file="${1:-$here/bin/Release/net10.0/bpf/big.bpfel.o}"

gcc -O2 -o "$work/object_open" "$here/native/object_open.c" -lbpf
"$work/object_open" "$file" 30 > "$work/libbpf.txt"

EBPF_OBJECT_FILE="$file" dotnet "$dll" --job short --filter '*CollectionSpecLoadBenchmarks*' --exporters json \
    --artifacts "$work/artifacts" > "$work/bdn.log" || { tail -50 "$work/bdn.log"; exit 1; }

python3 - "$work/libbpf.txt" "$work/artifacts/results" "$file" <<'PY'
import glob, json, os, sys
libbpf = {}
for line in open(sys.argv[1]):
    op, us = line.split()
    libbpf[op] = float(us) / 1000.0
ours = {}
for path in glob.glob(os.path.join(sys.argv[2], "*.json")):
    for b in json.load(open(path))["Benchmarks"]:
        ours[b["Method"]] = (b["Statistics"]["Mean"] / 1e6, b["Memory"]["BytesAllocatedPerOperation"])
ms, allocated = ours["LoadFromMemory"]
size = os.path.getsize(sys.argv[3])
print(f"object open ({size / 1048576:.2f} MiB): ours {ms:.2f} ms, libbpf open_mem {libbpf['mem']:.2f} ms, "
      f"ratio {ms / libbpf['mem']:.2f}, allocated {allocated} bytes ({allocated / 1048576:.2f} MiB); "
      f"libbpf open_file {libbpf['file']:.2f} ms")
PY
