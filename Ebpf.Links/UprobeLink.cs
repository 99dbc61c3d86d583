using System.Globalization;
using System.Text;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Links;

/// <summary>
/// Attaches kprobe-type programs to user-space functions as uprobes or uretprobes: through the <c>uprobe</c> PMU
/// (Linux 4.17+), else through tracefs <c>uprobe_events</c>.
/// </summary>
public static class UprobeLink
{
    /// <summary>Attaches <paramref name="program"/> to function <paramref name="symbol"/> of <paramref name="binaryPath"/>.</summary>
    /// <param name="program">A kprobe program.</param>
    /// <param name="binaryPath">The executable or shared library.</param>
    /// <param name="symbol">The function, resolved with <see cref="UprobeSymbols.Offset"/>.</param>
    /// <param name="retprobe">True for a uretprobe (fires on return).</param>
    /// <param name="pid">Only fire in this process; -1 for all processes.</param>
    /// <param name="cookie">The BPF cookie (Linux 5.15+).</param>
    /// <param name="syscalls">The kernel interface; null for the running kernel.</param>
    public static PerfEventLink Attach(BpfFileDescriptor program, string binaryPath, string symbol, bool retprobe = false, int pid = -1,
        ulong cookie = 0, IBpfSyscalls? syscalls = null) =>
        AttachAtOffset(program, binaryPath, UprobeSymbols.Offset(binaryPath, symbol), retprobe, pid, cookie, syscalls);

    /// <summary>Attaches <paramref name="program"/> at file offset <paramref name="offset"/> of <paramref name="binaryPath"/>.</summary>
    /// <param name="program">A kprobe program.</param>
    /// <param name="binaryPath">The executable or shared library.</param>
    /// <param name="offset">The file offset of the probed instruction.</param>
    /// <param name="retprobe">True for a uretprobe (the offset must be a function entry).</param>
    /// <param name="pid">Only fire in this process; -1 for all processes.</param>
    /// <param name="cookie">The BPF cookie (Linux 5.15+).</param>
    /// <param name="syscalls">The kernel interface; null for the running kernel.</param>
    public static PerfEventLink AttachAtOffset(BpfFileDescriptor program, string binaryPath, ulong offset, bool retprobe = false, int pid = -1,
        ulong cookie = 0, IBpfSyscalls? syscalls = null) =>
        AttachCore(program, binaryPath, offset, retprobe, pid, cookie, syscalls ?? LinuxBpfSyscalls.Instance, ProbePmu.TryRead("uprobe"));

    /// <summary>The attach sequence with an explicit PMU (null: tracefs fallback).</summary>
    internal static unsafe PerfEventLink AttachCore(BpfFileDescriptor program, string binaryPath, ulong offset, bool retprobe, int pid, ulong cookie,
        IBpfSyscalls sys, ProbePmu? pmu)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentException.ThrowIfNullOrEmpty(binaryPath);
        string path = Path.GetFullPath(binaryPath);
        if (pmu is null)
        {
            if (pid != -1)
            {
                throw new EbpfNotSupportedException("uprobes filtered by process without the uprobe PMU", "4.17", Errno.None);
            }

            var probe = TracefsProbeEvent.Create("uprobe", string.Create(CultureInfo.InvariantCulture, $"{path}:0x{offset:x}"), retprobe, sys);
            return TracepointLink.AttachById(program, probe.Id, cookie, sys, probe.Remove);
        }

        BpfFileDescriptor perfEvent;
        fixed (byte* p = Encoding.UTF8.GetBytes(path + "\0"))
        {
            var attr = new PerfEventAttr
            {
                Type = pmu.Type,
                Config = retprobe ? 1UL << pmu.RetprobeBit : 0,
                Config1 = (ulong)p,
                Config2 = offset,
            };
            perfEvent = sys.PerfEventOpen(attr, pid, pid == -1 ? 0 : -1, -1, PerfEventLink.FlagFdCloExec);
        }

        return PerfEventLink.Attach(perfEvent, program, cookie, sys);
    }
}
