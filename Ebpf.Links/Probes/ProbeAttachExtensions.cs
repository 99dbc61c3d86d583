using Ebpf.Kernel;

namespace Ebpf.Links;

/// <summary>
/// Attaches a loaded kprobe-type <see cref="Program"/> to kernel and user-space functions:
/// <c>program.AttachKprobe("do_unlinkat")</c>, <c>program.AttachUprobe("/usr/lib/libc.so.6", "malloc")</c>.
/// Each returns the link; disposing it detaches.
/// </summary>
public static class ProbeAttachExtensions
{
    /// <summary>
    /// Attaches <paramref name="program"/> to kernel function <paramref name="symbol"/> as a kprobe or kretprobe: through
    /// the <c>kprobe</c> PMU (Linux 4.17+), else through tracefs <c>kprobe_events</c>.
    /// </summary>
    /// <param name="program">A kprobe program.</param>
    /// <param name="symbol">The kernel function, e.g. <c>do_unlinkat</c>.</param>
    /// <param name="options">Return probe, offset and cookie; null for a kprobe at the function's entry.</param>
    /// <exception cref="ArgumentException">The function does not exist or cannot be probed.</exception>
    /// <exception cref="EbpfNotSupportedException">The kernel has no kprobes (CONFIG_KPROBES off), or a cookie before 5.15.</exception>
    public static PerfEventLink AttachKprobe(this Program program, string symbol, KprobeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        return Kprobe.Attach(program.FileDescriptor, symbol, options, program.Syscalls);
    }

    /// <summary>
    /// Attaches <paramref name="program"/> (loaded with attach type <see cref="Ebpf.Specs.BpfAttachType.TraceKprobeMulti"/>,
    /// or <see cref="Ebpf.Specs.BpfAttachType.TraceKprobeSession"/> with <see cref="KprobeMultiOptions.Session"/>)
    /// to kernel functions <paramref name="symbols"/> with a single fprobe-based link (Linux 5.18+, CONFIG_FPROBE).
    /// </summary>
    /// <param name="program">A <c>kprobe.multi</c> or <c>kprobe.session</c> program.</param>
    /// <param name="symbols">The kernel functions; at least one.</param>
    /// <param name="options">Return probes, sessions and cookies; null for kprobes without cookies.</param>
    /// <exception cref="ArgumentException">No symbol, a cookie count that differs, or a session with <see cref="KprobeMultiOptions.ReturnProbe"/>.</exception>
    /// <exception cref="EbpfNotSupportedException">The kernel has no kprobe_multi links (or no kprobe sessions, Linux 6.10).</exception>
    public static KprobeMultiLink AttachKprobeMulti(this Program program, IReadOnlyList<string> symbols, KprobeMultiOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        return KprobeMultiLink.Attach(program.FileDescriptor, symbols, options, program.Syscalls);
    }

    /// <summary>
    /// Attaches <paramref name="program"/> to function <paramref name="symbol"/> of <paramref name="binaryPath"/> as a
    /// uprobe or uretprobe: through the <c>uprobe</c> PMU (Linux 4.17+), else through tracefs <c>uprobe_events</c>.
    /// </summary>
    /// <param name="program">A kprobe program (<c>uprobe/...</c> section).</param>
    /// <param name="binaryPath">The executable or shared library.</param>
    /// <param name="symbol">The function, resolved with <see cref="UprobeSymbols.Offset"/>.</param>
    /// <param name="options">Return probe, process filter, cookie and USDT semaphore; null for a uprobe in every process.</param>
    /// <exception cref="ArgumentException">The binary defines no such function.</exception>
    /// <exception cref="EbpfNotSupportedException">A reference counter before 4.20, a process filter without the uprobe PMU, or a cookie before 5.15.</exception>
    public static PerfEventLink AttachUprobe(this Program program, string binaryPath, string symbol, UprobeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        return Uprobe.Attach(program.FileDescriptor, binaryPath, UprobeSymbols.Offset(binaryPath, symbol), options, program.Syscalls);
    }

    /// <summary>Attaches <paramref name="program"/> as a uprobe at file offset <paramref name="offset"/> of <paramref name="binaryPath"/>.</summary>
    /// <param name="program">A kprobe program (<c>uprobe/...</c> section).</param>
    /// <param name="binaryPath">The executable or shared library.</param>
    /// <param name="offset">The file offset of the probed instruction (a function entry for a uretprobe).</param>
    /// <param name="options">Return probe, process filter, cookie and USDT semaphore; null for a uprobe in every process.</param>
    /// <exception cref="EbpfNotSupportedException">A reference counter before 4.20, a process filter without the uprobe PMU, or a cookie before 5.15.</exception>
    public static PerfEventLink AttachUprobeAtOffset(this Program program, string binaryPath, ulong offset, UprobeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        return Uprobe.Attach(program.FileDescriptor, binaryPath, offset, options, program.Syscalls);
    }

    /// <summary>
    /// Attaches <paramref name="program"/> (loaded with attach type <see cref="Ebpf.Specs.BpfAttachType.TraceUprobeMulti"/>,
    /// or <see cref="Ebpf.Specs.BpfAttachType.TraceUprobeSession"/> with <see cref="UprobeMultiOptions.Session"/>)
    /// to functions <paramref name="symbols"/> of <paramref name="binaryPath"/> with a single link (Linux 6.6+).
    /// </summary>
    /// <param name="program">A <c>uprobe.multi</c> or <c>uprobe.session</c> program.</param>
    /// <param name="binaryPath">The executable or shared library.</param>
    /// <param name="symbols">The functions; at least one.</param>
    /// <param name="options">Return probes, sessions, process filter and cookies; null for uprobes in every process.</param>
    /// <exception cref="ArgumentException">The binary lacks one of the functions, or a session with <see cref="UprobeMultiOptions.ReturnProbe"/>.</exception>
    /// <exception cref="EbpfNotSupportedException">The kernel has no uprobe_multi links (or no uprobe sessions, Linux 6.13).</exception>
    public static UprobeMultiLink AttachUprobeMulti(this Program program, string binaryPath, IReadOnlyList<string> symbols,
        UprobeMultiOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(symbols);
        var offsets = new ulong[symbols.Count];
        for (int i = 0; i < offsets.Length; i++)
        {
            offsets[i] = UprobeSymbols.Offset(binaryPath, symbols[i]);
        }

        return UprobeMultiLink.Attach(program.FileDescriptor, binaryPath, offsets, options, program.Syscalls);
    }

    /// <summary>Attaches <paramref name="program"/> at file offsets <paramref name="offsets"/> of <paramref name="binaryPath"/> with a single uprobe_multi link (Linux 6.6+).</summary>
    /// <param name="program">A <c>uprobe.multi</c> or <c>uprobe.session</c> program.</param>
    /// <param name="binaryPath">The executable or shared library.</param>
    /// <param name="offsets">The file offsets; at least one.</param>
    /// <param name="options">Return probes, sessions, process filter and cookies; null for uprobes in every process.</param>
    /// <exception cref="EbpfNotSupportedException">The kernel has no uprobe_multi links (or no uprobe sessions, Linux 6.13).</exception>
    public static UprobeMultiLink AttachUprobeMultiAtOffsets(this Program program, string binaryPath, IReadOnlyList<ulong> offsets,
        UprobeMultiOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        return UprobeMultiLink.Attach(program.FileDescriptor, binaryPath, offsets, options, program.Syscalls);
    }
}
