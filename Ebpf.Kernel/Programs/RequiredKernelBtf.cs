using Ebpf.Btf;

namespace Ebpf.Kernel;

/// <summary>
/// The kernel's vmlinux BTF for a load that cannot do without it (CO-RE relocations, kfuncs, ksyms, attach targets,
/// struct_ops), failing as this assembly's exceptions do, so a load names the map or program that needed it: a running
/// kernel without <c>/sys/kernel/btf/vmlinux</c> lacks a feature, any other file that cannot be read is an error.
/// </summary>
internal static class RequiredKernelBtf
{
    /// <summary>Where the running kernel publishes its BTF (<c>CONFIG_DEBUG_INFO_BTF</c>, Linux 5.4).</summary>
    private static readonly string RunningKernelPath = Path.Combine(KernelBtf.DefaultDirectory, KernelBtf.VmlinuxName);

    /// <summary>The vmlinux BTF of <paramref name="btf"/>.</summary>
    /// <param name="btf">The kernel BTF files.</param>
    /// <param name="need">What needs it, for the message: <c>CO-RE relocations</c>, say.</param>
    /// <exception cref="EbpfNotSupportedException">The running kernel publishes no BTF.</exception>
    /// <exception cref="EbpfException">The file cannot be read or is not BTF.</exception>
    public static BtfSpec Vmlinux(KernelBtf btf, string need)
    {
        try
        {
            return btf.Vmlinux;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BtfFormatException)
        {
            throw Unreadable(btf.VmlinuxPath, need, e);
        }
    }

    /// <summary>The exception for a vmlinux BTF file that failed to read with <paramref name="failure"/>.</summary>
    internal static Exception Unreadable(string path, string need, Exception failure) => failure switch
    {
        FileNotFoundException or DirectoryNotFoundException when path == RunningKernelPath =>
            new EbpfNotSupportedException($"kernel BTF ({path}, CONFIG_DEBUG_INFO_BTF) for {need}", "5.4", Errno.None, failure),
        BtfFormatException => new EbpfException($"the kernel BTF {path} for {need} is not valid BTF: {failure.Message}", failure),
        _ => new EbpfException($"cannot read the kernel BTF {path} for {need}: {failure.Message}", failure),
    };
}
