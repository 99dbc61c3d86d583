#!/usr/bin/env bash
# Builds examples/OpenSnoop, a project that references the Ebpf packages only, as a project outside this repository
# would build: from the folder feed FEED at VERSION (packed by tests/pack/pack-local-feed.sh; without arguments this
# script packs a temporary one first) and, for their dependencies (Microsoft.Extensions.*), the machine's NuGet
# packages folder used as an offline feed; with a fresh NuGet packages folder, so nothing comes from an earlier
# restore. The example's own nuget.config, Directory.Build.props/.targets and Directory.Packages.props keep the
# repository's out of its build. Prints the path of the built OpenSnoop.dll last; run it as root:
#
#   bash tests/pack/build-opensnoop.sh [FEED VERSION]
#   sudo dotnet examples/OpenSnoop/bin/Release/net10.0/OpenSnoop.dll --duration 5
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
configuration="${CONFIGURATION:-Release}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
machine_packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
if [ $# -ge 2 ]; then
  feed=$(cd "$1" && pwd) version="$2"
else
  feed="$work/feed"
  version=$(bash "$repo/tests/pack/pack-local-feed.sh" "$feed" | tail -n 1)
fi

example="$repo/examples/OpenSnoop"
echo "== building examples/OpenSnoop with the Ebpf packages $version from $feed" >&2
# RestoreSources replaces nuget.config's sources (nuget.org): this machine builds offline.
NUGET_PACKAGES="$work/packages" dotnet build "$example/OpenSnoop.csproj" -c "$configuration" --nologo -v q \
  -p:EbpfVersion="$version" -p:RestoreSources="$feed%3B$machine_packages" >&2

# What restore resolved: every Ebpf package at VERSION, from the feed.
assets="$example/obj/project.assets.json"
for package in Ebpf.Kernel Ebpf.Links Ebpf.Generators Ebpf.Specs; do
  grep -q "\"$package/$version\"" "$assets" || { echo "$assets does not resolve $package $version" >&2; exit 1; }
done
grep -q '"type": "project"' "$assets" && { echo "$assets has a project reference: not a packages-only build" >&2; exit 1; }
dll="$example/bin/$configuration/net10.0/OpenSnoop.dll"
[ -f "$dll" ] || { echo "missing $dll" >&2; exit 1; }
echo "$dll"
