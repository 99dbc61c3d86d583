#!/usr/bin/env bash
# Packs every shipped layer (Ebpf.Asm, Elf, Btf, Specs, Kernel, Links, Hosting) and the Ebpf.Generators package into a
# temporary folder feed with one version (tests/pack/pack-local-feed.sh; or uses FEED and VERSION when given, packed by
# it before), then builds and checks a consumer project outside this repository that references Ebpf.Kernel,
# Ebpf.Links, Ebpf.Hosting and Ebpf.Generators, has a <BpfProgram> and uses its generated class through a generic host,
# and a second <BpfProgram> that includes <ebpf/buffer.bpf.h> (shipped in the generator package) read typed.
# It restores the Ebpf packages from that feed only (a fresh NuGet packages folder), and their dependencies
# (Microsoft.Extensions.*) from the machine's NuGet packages folder used as an offline feed.
#
#   bash tests/pack/consume-generator-package.sh [FEED VERSION]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
machine_packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
if [ $# -ge 2 ]; then
  feed=$(cd "$1" && pwd) version="$2"
else
  feed="$work/feed"
  version=$(bash "$repo/tests/pack/pack-local-feed.sh" "$feed" "0.0.0-pack.$(date +%s)" | tail -n 1)
fi
layers="Ebpf.Asm Ebpf.Elf Ebpf.Btf Ebpf.Specs Ebpf.Kernel Ebpf.Links Ebpf.Hosting Ebpf.Generators"

echo "== one version for every package"
commit=$(git -C "$repo" rev-parse HEAD)
for project in $layers; do
  [ -f "$feed/$project.$version.nupkg" ] || { echo "missing $project.$version.nupkg"; ls "$feed"; exit 1; }
  # SourceLink's source control information: the commit the package was built from (and the URL when there is a remote).
  unzip -p "$feed/$project.$version.nupkg" "$project.nuspec" | grep -q "<repository type=\"git\".*commit=\"$commit\"" \
    || { echo "$project.$version.nupkg does not name commit $commit"; exit 1; }
done
for pair in Ebpf.Btf:Ebpf.Elf Ebpf.Specs:Ebpf.Btf Ebpf.Kernel:Ebpf.Specs Ebpf.Links:Ebpf.Kernel Ebpf.Hosting:Ebpf.Links; do
  project=${pair%%:*} dependency=${pair##*:}
  nuspec=$(unzip -p "$feed/$project.$version.nupkg" "$project.nuspec")
  grep -q "id=\"$dependency\" version=\"$version\"" <<<"$nuspec" || { echo "$project does not depend on $dependency $version"; echo "$nuspec"; exit 1; }
done

echo "== analyzers and build files in the generator package"
files=$(unzip -Z1 "$feed/Ebpf.Generators.$version.nupkg")
grep -E "^(analyzers|build|lib)" <<<"$files"
for f in analyzers/dotnet/cs/Ebpf.Generators.dll analyzers/dotnet/cs/Ebpf.Specs.dll build/Ebpf.Generators.targets buildTransitive/Ebpf.Bpf.targets \
  build/include/ebpf/buffer.bpf.h buildTransitive/include/ebpf/buffer.bpf.h; do
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
    <add key="machine" value="$machine_packages" />
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
    <PackageReference Include="Ebpf.Links" Version="$version" />
    <PackageReference Include="Ebpf.Hosting" Version="$version" />
    <PackageReference Include="Microsoft.Extensions.Hosting" Version="10.0.15" />
    <PackageReference Include="Ebpf.Generators" Version="$version" PrivateAssets="all" />
    <BpfProgram Include="counter.bpf.c" />
    <BpfProgram Include="events.bpf.c" />
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
# A ring-or-perf buffer: <ebpf/buffer.bpf.h> comes from the generator package's include directory.
cat > "$consumer/events.bpf.c" <<'C'
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <ebpf/buffer.bpf.h>

struct buffer_sample { __u64 seq; __u32 len; __u32 pad; };

EBPF_BUFFER(events, 64 * 1024, struct buffer_sample);

SEC("xdp")
int emit(struct xdp_md *ctx)
{
	struct buffer_sample *e = ebpf_buffer_reserve(events, sizeof(*e));

	if (!e)
		return XDP_DROP;
	e->seq = 1;
	e->len = ctx->data_end - ctx->data;
	e->pad = 0;
	return ebpf_buffer_submit(ctx, events, e, sizeof(*e)) ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
C
cat > "$consumer/Program.cs" <<'CS'
using System;
using System.Linq;
using Consumer;
using Ebpf.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var spec = CounterObjects.LoadSpec();
Console.WriteLine($"resource {CounterObjects.LittleEndianResource}: {spec.Maps.Count} maps, {spec.Programs.Count} programs");
Console.WriteLine($"point is {System.Runtime.CompilerServices.Unsafe.SizeOf<CounterObjects.Point>()} bytes");
Console.WriteLine($"AttachAll: {typeof(CounterObjects).GetMethod("AttachAll") is not null}");
var events = EventsObjects.LoadSpec();
Console.WriteLine($"event buffer: {string.Join(",", events.Maps.Keys.Where(m => !m.StartsWith('.')).Order())}, sample is {System.Runtime.CompilerServices.Unsafe.SizeOf<EventsObjects.BufferSample>()} bytes");
Console.WriteLine($"OpenEventsReader: {typeof(EventsObjects).GetMethod("OpenEventsReader") is not null}");
if (args.Length > 0 && args[0] == "--load")
{
    var builder = Host.CreateApplicationBuilder();
    builder.Services.AddEbpfCollection("counter", CounterObjects.FromCollection, b => b.FromSpec(CounterObjects.LoadSpec));
    using var host = builder.Build();
    await host.StartAsync();
    var objects = host.Services.GetRequiredService<CounterObjects>();
    using (var links = objects.AttachAll())
    {
        Console.WriteLine($"attached: {links.Count}");
    }

    Ebpf.Kernel.EventBuffer.Prepare(events);
    using (var loaded = Ebpf.Kernel.Collection.Load(events))
    using (var reader = new Ebpf.Kernel.EventBufferReader(loaded.Maps["events"]))
    {
        loaded.Programs["emit"].TestRun(new byte[64]);
        int seen = 0;
        reader.Wait(TimeSpan.FromSeconds(5));
        reader.Consume((ref readonly EventsObjects.BufferSample e) => seen += e.Seq == 1 && e.Len == 64 ? 1 : 0);
        Console.WriteLine($"event buffer {reader.Kind}: {seen} event");
    }

    objects.Points.Update(7, new CounterObjects.Point { X = 3, Y = -4 });
    var back = objects.Points.Lookup(7);
    Console.WriteLine($"round trip: {back.X},{back.Y}");
    await host.StopAsync();
}
CS

echo "== building the consumer from the local feed"
(cd "$consumer" && NUGET_PACKAGES="$work/packages" dotnet build -c Release --nologo -v q)
out=$(cd "$consumer" && dotnet bin/Release/net10.0/Consumer.dll $( [ "$(id -u)" = 0 ] && echo --load ))
echo "$out"
grep -q "resource counter.bpfel.o: 1 maps, 1 programs" <<<"$out"
grep -q "point is 8 bytes" <<<"$out"
grep -q "AttachAll: True" <<<"$out"
grep -q "event buffer: ebpf_buffer_heap,events, sample is 16 bytes" <<<"$out"
grep -q "OpenEventsReader: True" <<<"$out"
if [ "$(id -u)" = 0 ]; then
  grep -q "round trip: 3,-4" <<<"$out"; grep -q "attached: 0" <<<"$out"; grep -q "event buffer RingBuffer: 1 event" <<<"$out"
fi
echo "OK: a project outside the repository builds <BpfProgram> with the packaged generator"
echo "OK: it compiles a BPF source including <ebpf/buffer.bpf.h> from the generator package"
echo "OK: it references Ebpf.Kernel, Ebpf.Links, Ebpf.Hosting and Ebpf.Generators $version from the local feed only"
