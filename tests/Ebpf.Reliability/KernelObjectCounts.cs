using Ebpf.Kernel;
using Ebpf.Links;

namespace Ebpf.Reliability;

/// <summary>
/// What the runs hold at one moment: this process's open descriptors (<c>/proc/self/fd</c>) and the kernel's
/// programs, maps and links that belong to <c>reliability.bpf.c</c> (names starting with <see cref="Prefix"/>;
/// links of such programs), found with <c>BPF_*_GET_NEXT_ID</c>. Counting only these keeps the figures exact while
/// other processes load BPF objects.
/// </summary>
/// <param name="Fds">Open descriptors of this process (the runtime also opens some lazily: assemblies, pipes).</param>
/// <param name="BpfFds">Open descriptors of this process that refer to BPF objects (<c>anon_inode:bpf-map</c>, <c>bpf-prog</c>, <c>bpf_link</c>, <c>btf</c>).</param>
/// <param name="Programs">Programs named <c>rel_*</c> loaded in the kernel.</param>
/// <param name="Maps">Maps named <c>rel_*</c> in the kernel.</param>
/// <param name="Links">Links of those programs.</param>
public readonly record struct KernelObjectCounts(int Fds, int BpfFds, int Programs, int Maps, int Links)
{
    /// <summary>The name prefix of every object of <c>reliability.bpf.c</c>.</summary>
    public const string Prefix = "rel_";

    /// <summary>Reads the counts now.</summary>
    public static KernelObjectCounts Read()
    {
        var programs = new HashSet<uint>();
        foreach (uint id in Program.LoadedIds())
        {
            if (NameOf(() => Program.OpenById(id), p => p.Info().Name)?.StartsWith(Prefix, StringComparison.Ordinal) == true)
            {
                programs.Add(id);
            }
        }

        int maps = Map.LoadedIds().Count(id => NameOf(() => Map.OpenById(id), m => m.Info().Name.ToString())?.StartsWith(Prefix, StringComparison.Ordinal) == true);
        int links = Link.Enumerate().Count(l => programs.Contains(l.ProgramId));
        return new KernelObjectCounts(OpenFds(), OpenBpfFds(), programs.Count, maps, links);
    }

    /// <summary>
    /// Reads the counts until none is above <paramref name="limit"/>, for at most <paramref name="timeout"/>: the
    /// kernel frees closed maps and programs asynchronously (RCU, work queues).
    /// </summary>
    public static KernelObjectCounts ReadSettled(KernelObjectCounts limit, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var counts = Read();
            if (counts.BpfFds <= limit.BpfFds && counts.Programs <= limit.Programs && counts.Maps <= limit.Maps && counts.Links <= limit.Links || DateTime.UtcNow > deadline)
            {
                return counts;
            }

            Thread.Sleep(50);
        }
    }

    /// <summary>Reads the counts once the kernel has freed every <c>rel_*</c> object this process closed (at most <paramref name="timeout"/>).</summary>
    public static KernelObjectCounts ReadQuiet(TimeSpan timeout) => ReadSettled(new KernelObjectCounts(int.MaxValue, 0, 0, 0, 0), timeout);

    /// <summary>The number of entries in <c>/proc/self/fd</c>.</summary>
    public static int OpenFds() => Directory.GetFiles("/proc/self/fd").Length;

    /// <summary>The entries of <c>/proc/self/fd</c> that refer to BPF objects (<c>anon_inode:bpf-*</c>, <c>anon_inode:bpf_link</c>, <c>anon_inode:btf</c>).</summary>
    public static int OpenBpfFds()
    {
        int count = 0;
        foreach (var entry in new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos())
        {
            string? target;
            try
            {
                target = entry.LinkTarget;
            }
            catch (IOException)
            {
                continue; // closed meanwhile
            }

            if (target is not null && (target.StartsWith("anon_inode:bpf", StringComparison.Ordinal) || target == "anon_inode:btf"))
            {
                count++;
            }
        }

        return count;
    }

    private static string? NameOf<T>(Func<T> open, Func<T, string> name)
        where T : IDisposable
    {
        try
        {
            using var value = open();
            return name(value);
        }
        catch (EbpfException)
        {
            return null; // gone meanwhile
        }
    }
}
