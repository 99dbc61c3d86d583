#!/usr/bin/env bash
# Packs Ebpf.Asm/Elf/Btf/Specs/Kernel and the Ebpf.Generators package into a temporary folder feed, then builds and
# checks a consumer project outside this repository that has a <BpfProgram> and uses its generated class, restoring
# only from that feed and the machine's NuGet packages folder (offline).
#
#   bash tests/pack/consume-generator-package.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
version="0.0.0-pack.$(date +%s)"
feed="$work/feed"
mkdir -p "$feed"
for project in Ebpf.Asm Ebpf.Elf Ebpf.Btf Ebpf.Specs Ebpf.Kernel Ebpf.Generators; do
  dotnet pack "$repo/$project" -c Release -o "$feed" -p:Version="$version" -p:IncludeSymbols=false --nologo -v q
done

echo "== analyzers and build files in the generator package"
files=$(unzip -Z1 "$feed/Ebpf.Generators.$version.nupkg")
grep -E "^(analyzers|build|lib)" <<<"$files"
for f in analyzers/dotnet/cs/Ebpf.Generators.dll analyzers/dotnet/cs/Ebpf.Specs.dll build/Ebpf.Generators.targets buildTransitive/Ebpf.Bpf.targets; do
  grep -qx "$f" <<<"$files" || { echo "missing $f"; exit 1; }
done

consumer="$work/consumer"
mkdir -p "$consumer"
cat > "$consumer/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$feed" />
  </packageSources>
</configuration>
XML
cat > "$consumer/Consumer.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
    <RootNamespace>Consumer</RootNamespace>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Ebpf.Kernel" Version="$version" />
    <PackageReference Include="Ebpf.Generators" Version="$version" PrivateAssets="all" />
    <BpfProgram Include="counter.bpf.c" />
  </ItemGroup>
</Project>
XML
cat > "$consumer/counter.bpf.c" <<'C'
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct point { __s32 x; __s32 y; };

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct point);
} points SEC(".maps");

SEC("socket")
int noop(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
C
cat > "$consumer/Program.cs" <<'CS'
using System;
using Consumer;

var spec = CounterObjects.LoadSpec();
Console.WriteLine($"resource {CounterObjects.LittleEndianResource}: {spec.Maps.Count} maps, {spec.Programs.Count} programs");
Console.WriteLine($"point is {System.Runtime.CompilerServices.Unsafe.SizeOf<CounterObjects.Point>()} bytes");
if (args.Length > 0 && args[0] == "--load")
{
    using var objects = CounterObjects.Load();
    objects.Points.Update(7, new CounterObjects.Point { X = 3, Y = -4 });
    var back = objects.Points.Lookup(7);
    Console.WriteLine($"round trip: {back.X},{back.Y}");
}
CS

echo "== building the consumer from the local feed"
(cd "$consumer" && NUGET_PACKAGES="$work/packages" dotnet build -c Release --nologo -v q)
out=$(cd "$consumer" && dotnet bin/Release/net10.0/Consumer.dll $( [ "$(id -u)" = 0 ] && echo --load ))
echo "$out"
grep -q "resource counter.bpfel.o: 1 maps, 1 programs" <<<"$out"
grep -q "point is 8 bytes" <<<"$out"
if [ "$(id -u)" = 0 ]; then grep -q "round trip: 3,-4" <<<"$out"; fi
echo "OK: a project outside the repository builds <BpfProgram> with the packaged generator"
