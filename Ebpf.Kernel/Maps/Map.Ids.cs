using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

public sealed partial class Map
{
    /// <summary>The ids of every map in the kernel, in increasing order (<c>BPF_MAP_GET_NEXT_ID</c>).</summary>
    /// <param name="syscalls">The kernel interface; <see cref="LinuxBpfSyscalls.Instance"/> when null.</param>
    /// <returns>The ids, read lazily; maps may come and go meanwhile.</returns>
    public static IEnumerable<uint> LoadedIds(IBpfSyscalls? syscalls = null)
    {
        syscalls ??= LinuxBpfSyscalls.Instance;
        var next = new GetIdAttr();
        while (true)
        {
            var errno = syscalls.TryGetNextId(BpfObjectKind.Map, ref next);
            if (errno == Errno.ENOENT)
            {
                yield break;
            }

            errno.ThrowIfFailed(BpfCommand.MapGetNextId);
            yield return next.NextId;
            next.StartId = next.NextId;
        }
    }
}
