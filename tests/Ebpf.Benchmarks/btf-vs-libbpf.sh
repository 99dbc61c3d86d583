#!/usr/bin/env bash
# Compares Ebpf.Btf with libbpf on the same BTF file (default /sys/kernel/btf/vmlinux):
#   full-decode  map the file, parse + check every record, then visit every type's kind and name in place
#                (BtfTypeReader; also reported: the file copied into an array and visited by id)
#   (and, for reference, the time to build every type as an object)
#   lazy         open + 25 lookups by name and kind (the names of native/btf_parse.c)
# Builds native/btf_parse.c with gcc and -lbpf (libbpf-dev), runs BtfParseBenchmarks with a short
# BenchmarkDotNet job, and prints times, ratios (ours/libbpf) and our allocated bytes per operation.
# Usage: btf-vs-libbpf.sh [BTF-FILE]     Needs gcc, libbpf-dev, python3 and the .NET SDK; about 2 minutes.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
file="${1:-/sys/kernel/btf/vmlinux}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

gcc -O2 -o "$work/btf_parse" "$here/native/btf_parse.c" -lbpf
"$work/btf_parse" "$file" 50 > "$work/libbpf.txt"

dotnet build "$here/Ebpf.Benchmarks.csproj" -c Release --nologo -v q > "$work/build.log" || { cat "$work/build.log"; exit 1; }
dll="$here/bin/Release/net10.0/Ebpf.Benchmarks.dll"
EBPF_BTF_FILE="$file" dotnet "$dll" --job short --filter '*BtfParseBenchmarks*' --exporters json \
    --artifacts "$work/artifacts" > "$work/bdn.log" || { tail -50 "$work/bdn.log"; exit 1; }

python3 - "$work/libbpf.txt" "$work/artifacts/results" <<'PY'
import glob, json, os, sys
libbpf = {}
for line in open(sys.argv[1]):
    op, us = line.split()
    libbpf[op] = float(us) / 1000.0
ours = {}
for path in glob.glob(os.path.join(sys.argv[2], "*.json")):
    for b in json.load(open(path))["Benchmarks"]:
        ours[b["Method"]] = (b["Statistics"]["Mean"] / 1e6, b["Memory"]["BytesAllocatedPerOperation"])
for label, method, op in (("btf full-decode", "FullDecode", "full"), ("btf lazy+25 lookups", "LazyLookups", "lazy")):
    ms, allocated = ours[method]
    print(f"{label}: ours {ms:.2f} ms, libbpf {libbpf[op]:.2f} ms, ratio {ms / libbpf[op]:.2f}, "
          f"allocated {allocated} bytes ({allocated / 1048576:.2f} MiB)")
if "FullDecodeCopyById" in ours:
    ms, allocated = ours["FullDecodeCopyById"]
    print(f"btf full-decode, file copied and visited by id: ours {ms:.2f} ms, ratio {ms / libbpf['full']:.2f}")
if "FullMaterialize" in ours:
    ms, allocated = ours["FullMaterialize"]
    print(f"btf materialize all (no libbpf equivalent): ours {ms:.2f} ms, allocated {allocated / 1048576:.2f} MiB")
PY
