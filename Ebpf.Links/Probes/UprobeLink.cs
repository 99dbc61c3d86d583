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
    /// <param name="referenceCounterOffset">
    /// The file offset of a 16-bit reference counter (a USDT semaphore, see <see cref="UprobeSymbols.VariableOffset"/>)
    /// that the kernel increments in every process while the probe is attached (Linux 4.20+); 0 for none.
    /// </param>
    /// <param name="syscalls">The kernel interface; null for the running kernel.</param>
    /// <exception cref="EbpfNotSupportedException">A reference counter on a kernel before 4.20.</exception>
    public static PerfEventLink Attach(BpfFileDescriptor program, string binaryPath, string symbol, bool retprobe = false, int pid = -1,
        ulong cookie = 0, ulong referenceCounterOffset = 0, IBpfSyscalls? syscalls = null) =>
        AttachAtOffset(program, binaryPath, UprobeSymbols.Offset(binaryPath, symbol), retprobe, pid, cookie, referenceCounterOffset, syscalls);

    /// <summary>Attaches <paramref name="program"/> at file offset <paramref name="offset"/> of <paramref name="binaryPath"/>.</summary>
    /// <param name="program">A kprobe program.</param>
    /// <param name="binaryPath">The executable or shared library.</param>
    /// <param name="offset">The file offset of the probed instruction.</param>
    /// <param name="retprobe">True for a uretprobe (the offset must be a function entry).</param>
    /// <param name="pid">Only fire in this process; -1 for all processes.</param>
    /// <param name="cookie">The BPF cookie (Linux 5.15+).</param>
    /// <param name="referenceCounterOffset">
    /// The file offset of a 16-bit reference counter (a USDT semaphore) that the kernel increments while the probe is
    /// attached (Linux 4.20+); 0 for none.
    /// </param>
    /// <param name="syscalls">The kernel interface; null for the running kernel.</param>
    /// <exception cref="EbpfNotSupportedException">A reference counter on a kernel before 4.20.</exception>
    public static PerfEventLink AttachAtOffset(BpfFileDescriptor program, string binaryPath, ulong offset, bool retprobe = false, int pid = -1,
        ulong cookie = 0, ulong referenceCounterOffset = 0, IBpfSyscalls? syscalls = null) =>
        AttachCore(program, binaryPath, offset, retprobe, pid, cookie, syscalls ?? LinuxBpfSyscalls.Instance, ProbePmu.TryRead("uprobe"),
            referenceCounterOffset);

    /// <summary>The attach sequence with an explicit PMU (null: tracefs fallback).</summary>
    internal static unsafe PerfEventLink AttachCore(BpfFileDescriptor program, string binaryPath, ulong offset, bool retprobe, int pid, ulong cookie,
        IBpfSyscalls sys, ProbePmu? pmu, ulong referenceCounterOffset = 0)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentException.ThrowIfNullOrEmpty(binaryPath);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(referenceCounterOffset, (ulong)uint.MaxValue);
        string path = Path.GetFullPath(binaryPath);
        if (pmu is null)
        {
            if (pid != -1)
            {
                throw new EbpfNotSupportedException("uprobes filtered by process without the uprobe PMU", "4.17", Errno.None);
            }

            // uprobe_events takes the reference counter as "PATH:OFFSET(REF_CTR_OFFSET)" (Linux 4.20+).
            string target = referenceCounterOffset == 0
                ? string.Create(CultureInfo.InvariantCulture, $"{path}:0x{offset:x}")
                : string.Create(CultureInfo.InvariantCulture, $"{path}:0x{offset:x}(0x{referenceCounterOffset:x})");
            var probe = TracefsProbeEvent.Create("uprobe", target, retprobe, sys);
            return TracepointLink.AttachById(program, probe.Id, cookie, sys, probe.Remove);
        }

        ulong config = retprobe ? 1UL << pmu.RetprobeBit : 0;
        if (referenceCounterOffset != 0)
        {
            if (pmu.RefCtrOffsetShift is not int shift)
            {
                throw new EbpfNotSupportedException("uprobe reference counters (USDT semaphores, uprobe PMU format ref_ctr_offset)", "4.20", Errno.None);
            }

            config |= referenceCounterOffset << shift;
        }

        BpfFileDescriptor perfEvent;
        fixed (byte* p = Encoding.UTF8.GetBytes(path + "\0"))
        {
            var attr = new PerfEventAttr
            {
                Type = pmu.Type,
                Config = config,
                Config1 = (ulong)p,
                Config2 = offset,
            };
            perfEvent = sys.PerfEventOpen(attr, pid, pid == -1 ? 0 : -1, -1, PerfEventLink.FlagFdCloExec);
        }

        return PerfEventLink.Attach(perfEvent, program, cookie, sys);
    }
}
