using System.Globalization;
using System.Text;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Links;

/// <summary>
/// Attaches kprobe-type programs to user-space functions as uprobes or uretprobes: through the <c>uprobe</c> PMU
/// (Linux 4.17+), else through tracefs <c>uprobe_events</c>.
/// </summary>
internal static class Uprobe
{
    /// <summary>Attaches <paramref name="program"/> at file offset <paramref name="offset"/> of <paramref name="binaryPath"/> through the running kernel's uprobe PMU, else tracefs.</summary>
    /// <exception cref="EbpfNotSupportedException">A reference counter on a kernel before 4.20.</exception>
    public static PerfEventLink Attach(BpfFileDescriptor program, string binaryPath, ulong offset, UprobeOptions? options, IBpfSyscalls sys) =>
        Attach(program, binaryPath, offset, options, sys, ProbePmu.TryRead("uprobe"));

    /// <summary>The attach sequence with an explicit PMU (null: tracefs fallback).</summary>
    internal static unsafe PerfEventLink Attach(BpfFileDescriptor program, string binaryPath, ulong offset, UprobeOptions? options, IBpfSyscalls sys,
        ProbePmu? pmu)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentException.ThrowIfNullOrEmpty(binaryPath);
        options ??= new UprobeOptions();
        (bool retprobe, int pid, ulong cookie, ulong referenceCounterOffset) = (options.ReturnProbe, options.Pid, options.Cookie, options.ReferenceCounterOffset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(referenceCounterOffset, (ulong)uint.MaxValue, nameof(options));
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
            return Tracepoint.AttachById(program, probe.Id, cookie, sys, probe.Remove);
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
            perfEvent = sys.System().PerfEventOpen(attr, pid, pid == -1 ? 0 : -1, -1, PerfEventLink.FlagFdCloExec);
        }

        return PerfEventLink.Attach(perfEvent, program, cookie, sys);
    }
}
