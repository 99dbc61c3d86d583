namespace Ebpf.Tests;

/// <summary>
/// Counts the process's descriptors of kernel objects (anonymous inodes: BPF maps, programs, links and BTF, perf
/// events, epoll, eventfd) for leak checks. Files, pipes and sockets are left out: the runtime and earlier tests'
/// finalizers close those at any time (a finished <c>Process</c>'s pipes), which made whole-table counts drift.
/// </summary>
public static class OpenDescriptors
{
    /// <summary>
    /// The count before the code under test runs: earlier tests' garbage is finalized first, so its descriptors do
    /// not close during the measurement.
    /// </summary>
    public static int Before()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return KernelObjects();
    }

    /// <summary>The count now, without collecting (a collection would close what the code under test leaked).</summary>
    public static int KernelObjects()
    {
        int count = 0;
        foreach (var fd in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("anon_inode:", StringComparison.Ordinal))
                {
                    count++;
                }
            }
            catch (IOException)
            {
                // closed while listing
            }
        }

        return count;
    }
}
