using Ebpf.Hosting;
using Ebpf.Kernel;

namespace WebAgent.Tracing;

/// <summary>Reads the system call latency histogram (nanoseconds, per-CPU slots summed) from the loaded collection.</summary>
internal sealed class SyscallLatency([FromKeyedServices(AgentCollection.Name)] EbpfCollectionHandle handle)
{
    /// <summary>The histogram now, or null while the collection is not loaded (or being closed).</summary>
    public Log2Histogram? Read()
    {
        try
        {
            return handle.State == EbpfCollectionState.Loaded ? Log2Histogram.Read(handle.Collection.Maps["syscall_latency"]) : null;
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException or EbpfException)
        {
            return null; // the host is stopping
        }
    }
}
