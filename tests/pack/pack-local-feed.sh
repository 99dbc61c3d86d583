#!/usr/bin/env bash
# Packs every shipped layer (Ebpf.Asm, Elf, Btf, Specs, Kernel, Links, Hosting) and the Ebpf.Generators package into
# the folder feed FEED with one version VERSION (default 0.0.0-local.<seconds since 1970>), and prints that version
# last. The projects are built once with the version (in place, in CONFIGURATION, default Release), then packed
# without building again.
#
#   bash tests/pack/pack-local-feed.sh FEED [VERSION]
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 FEED [VERSION]" >&2; exit 2; }
repo=$(cd "$(dirname "$0")/../.." && pwd)
feed=$(mkdir -p "$1" && cd "$1" && pwd)
version="${2:-0.0.0-local.$(date +%s)}"
configuration="${CONFIGURATION:-Release}"
layers="Ebpf.Asm Ebpf.Elf Ebpf.Btf Ebpf.Specs Ebpf.Kernel Ebpf.Links Ebpf.Hosting Ebpf.Generators"
# Ebpf.Hosting references every other layer; Ebpf.Generators is not referenced by them.
for project in Ebpf.Hosting Ebpf.Generators; do
  dotnet build "$repo/$project" -c "$configuration" -p:Version="$version" --nologo -v q >&2
done
for project in $layers; do
  dotnet pack "$repo/$project" -c "$configuration" --no-build -o "$feed" -p:Version="$version" --nologo -v q >&2
done
for project in $layers; do
  [ -f "$feed/$project.$version.nupkg" ] || { echo "missing $project.$version.nupkg in $feed" >&2; ls "$feed" >&2; exit 1; }
done
echo "$version"
