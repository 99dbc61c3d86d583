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
internal static class Kprobe
{
    /// <summary>Attaches <paramref name="program"/> to kernel function <paramref name="symbol"/> through the running kernel's kprobe PMU, else tracefs.</summary>
    /// <exception cref="EbpfNotSupportedException">The kernel has no kprobes.</exception>
    public static PerfEventLink Attach(BpfFileDescriptor program, string symbol, KprobeOptions? options, IBpfSyscalls sys) =>
        Attach(program, symbol, options, sys, ProbePmu.TryRead("kprobe"));

    /// <summary>The attach sequence with an explicit PMU (null: tracefs fallback).</summary>
    internal static unsafe PerfEventLink Attach(BpfFileDescriptor program, string symbol, KprobeOptions? options, IBpfSyscalls sys, ProbePmu? pmu)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentException.ThrowIfNullOrEmpty(symbol);
        options ??= new KprobeOptions();
        (ulong offset, bool retprobe, ulong cookie) = (options.Offset, options.ReturnProbe, options.Cookie);
        if (retprobe && offset != 0)
        {
            throw new ArgumentException("kretprobes take no offset", nameof(options));
        }

        if (pmu is null)
        {
            string target = offset == 0 ? symbol : string.Create(CultureInfo.InvariantCulture, $"{symbol}+{offset}");
            var probe = TracefsProbeEvent.Create("kprobe", target, retprobe, sys);
            return Tracepoint.AttachById(program, probe.Id, cookie, sys, probe.Remove);
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
                perfEvent = sys.System().PerfEventOpen(attr, -1, 0, -1, PerfEventLink.FlagFdCloExec);
            }
            catch (EbpfException e) when (e.Errno == Errno.ENOENT)
            {
                throw new ArgumentException($"kernel function {symbol} does not exist or cannot be probed", nameof(symbol), e);
            }
        }

        return PerfEventLink.Attach(perfEvent, program, cookie, sys);
    }
}
