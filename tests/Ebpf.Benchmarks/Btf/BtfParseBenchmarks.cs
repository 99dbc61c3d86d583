using BenchmarkDotNet.Attributes;
using Ebpf.Btf;

namespace Ebpf.Benchmarks.Btf;

/// <summary>
/// BTF parsing against libbpf (native/btf_parse.c does the same two operations):
/// full decode of every vmlinux type with its name, and a lazy open followed by 25 named lookups.
/// The file is /sys/kernel/btf/vmlinux, or EBPF_BTF_FILE.
/// </summary>
[MemoryDiagnoser]
public class BtfParseBenchmarks
{
    // The same names and kinds as native/btf_parse.c.
    private static readonly string[] Names =
    [
        "task_struct", "sk_buff", "file", "inode", "mm_struct", "net_device", "sock",
        "pt_regs", "cred", "dentry", "super_block", "bpf_map", "bpf_prog", "page",
        "vm_area_struct", "cgroup", "socket", "xdp_buff", "iphdr", "tcphdr", "path",
        "seq_file", "bio", "request", "bpf_func_id",
    ];

    private readonly string _path = Environment.GetEnvironmentVariable("EBPF_BTF_FILE") ?? "/sys/kernel/btf/vmlinux";

    /// <summary>
    /// Map the file as <see cref="KernelBtf"/> does, parse and check every record, then visit every type's kind and
    /// name in place with a <see cref="BtfTypeReader"/> (libbpf: btf__parse_raw + btf__type_by_id + name of every type).
    /// </summary>
    [Benchmark]
    public long FullDecode()
    {
        using var mapped = (IDisposable?)BtfMappedMemory.TryOpen(_path);
        var spec = mapped is BtfMappedMemory memory ? BtfSpec.Parse(memory.Memory) : BtfSpec.Load(_path);
        long sink = 0;
        var reader = spec.GetTypeReader();
        while (reader.Read())
        {
            sink += (int)reader.Kind + reader.NameUtf8.Length;
        }

        return sink;
    }

    /// <summary>Read the file into an array (<see cref="BtfSpec.Load"/>), parse it, and visit every type's kind and name by id.</summary>
    [Benchmark]
    public long FullDecodeCopyById()
    {
        var spec = BtfSpec.Load(_path);
        long sink = 0;
        for (uint id = 1; id <= spec.LastTypeId; id++)
        {
            sink += (int)spec.GetKind(id) + spec.GetNameUtf8(id).Length;
        }

        return sink;
    }

    /// <summary>Read the file, parse it, and build every type as a <see cref="BtfType"/> object with its members (no libbpf equivalent).</summary>
    [Benchmark]
    public long FullMaterialize()
    {
        var spec = BtfSpec.Load(_path);
        long sink = 0;
        for (uint id = 1; id <= spec.LastTypeId; id++)
        {
            sink += spec.GetTypeById(id).Name.Length;
        }

        return sink;
    }

    /// <summary>Map the file, index it, and look up 25 names (libbpf: btf__parse_raw + 25 btf__find_by_name_kind).</summary>
    [Benchmark]
    public long LazyLookups()
    {
        using var mapped = (IDisposable?)BtfMappedMemory.TryOpen(_path);
        var spec = mapped is BtfMappedMemory memory ? BtfSpec.Parse(memory.Memory) : BtfSpec.Load(_path);
        long sink = 0;
        for (int k = 0; k < Names.Length; k++)
        {
            var ids = spec.FindIds(Names[k], k == 24 ? BtfKind.Enum : BtfKind.Struct);
            sink += ids.Count == 0 ? 0 : ids[0];
        }

        return sink;
    }
}
