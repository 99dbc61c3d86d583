using BenchmarkDotNet.Attributes;
using Ebpf.Specs;

namespace Ebpf.Benchmarks.Specs;

/// <summary>
/// Reading a large object (bpf/big.bpfel.o, about 1 MB with BTF: 384 maps, 768 programs, 384 subprograms, CO-RE
/// relocations) into a <see cref="CollectionSpec"/>, against libbpf's <c>bpf_object__open_mem</c> + close
/// (native/object_open.c). The file is read once; EBPF_OBJECT_FILE names another object.
/// </summary>
[MemoryDiagnoser]
public class CollectionSpecLoadBenchmarks
{
    private readonly byte[] _bytes = File.ReadAllBytes(Environment.GetEnvironmentVariable("EBPF_OBJECT_FILE")
        ?? Path.Combine(AppContext.BaseDirectory, "bpf", "big.bpfel.o"));

    /// <summary><see cref="CollectionSpec.Load(ReadOnlyMemory{byte})"/> on the object's bytes (libbpf: open_mem + close).</summary>
    [Benchmark]
    public int LoadFromMemory() => CollectionSpec.Load(_bytes).Programs.Count;
}
