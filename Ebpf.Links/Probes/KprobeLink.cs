using System.Globalization;
using System.Text;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Links;

/// <summary>
/// Attaches kprobe programs to kernel functions as kprobes or kretprobes: through the <c>kprobe</c> PMU (Linux 4.17+),
/// else through tracefs <c>kprobe_events</c>. A kernel without kprobes (CONFIG_KPROBES off) raises
/// <see cref="EbpfNotSupportedException"/>.
/// </summary>
public static class KprobeLink
{
    /// <summary>Attaches <paramref name="program"/> to kernel function <paramref name="symbol"/>.</summary>
    /// <param name="program">A kprobe program.</param>
    /// <param name="symbol">The kernel function, e.g. <c>do_unlinkat</c>.</param>
    /// <param name="offset">The offset into the function (kprobes only).</param>
    /// <param name="retprobe">True for a kretprobe.</param>
    /// <param name="cookie">The BPF cookie (Linux 5.15+).</param>
    /// <param name="syscalls">The kernel interface; null for the running kernel.</param>
    /// <exception cref="EbpfNotSupportedException">The kernel has no kprobes.</exception>
    public static PerfEventLink Attach(BpfFileDescriptor program, string symbol, ulong offset = 0, bool retprobe = false, ulong cookie = 0,
        IBpfSyscalls? syscalls = null) =>
        AttachCore(program, symbol, offset, retprobe, cookie, syscalls ?? LinuxBpfSyscalls.Instance, ProbePmu.TryRead("kprobe"));

    /// <summary>The attach sequence with an explicit PMU (null: tracefs fallback).</summary>
    internal static unsafe PerfEventLink AttachCore(BpfFileDescriptor program, string symbol, ulong offset, bool retprobe, ulong cookie,
        IBpfSyscalls sys, ProbePmu? pmu)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentException.ThrowIfNullOrEmpty(symbol);
        if (retprobe && offset != 0)
        {
            throw new ArgumentException("kretprobes take no offset", nameof(offset));
        }

        if (pmu is null)
        {
            string target = offset == 0 ? symbol : string.Create(CultureInfo.InvariantCulture, $"{symbol}+{offset}");
            var probe = TracefsProbeEvent.Create("kprobe", target, retprobe, sys);
            return TracepointLink.AttachById(program, probe.Id, cookie, sys, probe.Remove);
        }

        BpfFileDescriptor perfEvent;
        fixed (byte* p = Encoding.UTF8.GetBytes(symbol + "\0"))
        {
            var attr = new PerfEventAttr
            {
                Type = pmu.Type,
                Config = retprobe ? 1UL << pmu.RetprobeBit : 0,
                Config1 = (ulong)p,
                Config2 = offset,
            };
            try
            {
                perfEvent = sys.PerfEventOpen(attr, -1, 0, -1, PerfEventLink.FlagFdCloExec);
            }
            catch (EbpfException e) when (e.Errno == Errno.ENOENT)
            {
                throw new ArgumentException($"kernel function {symbol} does not exist or cannot be probed", nameof(symbol), e);
            }
        }

        return PerfEventLink.Attach(perfEvent, program, cookie, sys);
    }
}
