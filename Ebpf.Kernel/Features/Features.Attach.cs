using Ebpf.Asm;
using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>Attach probes of <see cref="Features"/>: options of the attach commands that older kernels refuse.</summary>
public sealed unsafe partial class Features
{
    /// <summary>The raw tracepoint the cookie probe attaches to for a moment (present wherever syscalls are traced).</summary>
    private const string CookieProbeTracepoint = "sys_enter";

    /// <summary>
    /// Checks that <c>BPF_RAW_TRACEPOINT_OPEN</c> takes a BPF cookie (Linux 6.10), by attaching an empty raw tracepoint
    /// program to <c>sys_enter</c> with cookie 1 and closing it again.
    /// </summary>
    /// <exception cref="EbpfNotSupportedException">The kernel lacks raw tracepoint programs or their cookie.</exception>
    public void HaveRawTracepointCookie()
    {
        HaveProgramType(BpfProgramType.RawTracepoint);
        Check(new ProbeKey("raw_tp_cookie", 0), static self => self.ProbeRawTracepointCookie(), this);
    }

    /// <summary>
    /// Checks that the kernel can run USDT probes the way libbpf's usdt.bpf.h does: kprobe programs attached to
    /// uprobes (the <c>uprobe</c> perf PMU of Linux 4.17+, else tracefs <c>uprobe_events</c>, from CONFIG_UPROBE_EVENTS)
    /// that read the probe's registers with <c>bpf_probe_read_kernel</c> (Linux 5.5).
    /// </summary>
    /// <exception cref="EbpfNotSupportedException">The kernel lacks kprobe programs, <c>bpf_probe_read_kernel</c>, or uprobes.</exception>
    public void HaveUsdt()
    {
        try
        {
            HaveHelper(BpfProgramType.Kprobe, Helper.ProbeReadKernel);
        }
        catch (EbpfNotSupportedException e)
        {
            throw new EbpfNotSupportedException($"USDT probes ({e.Feature}: usdt.bpf.h reads arguments with bpf_probe_read_kernel)", "5.5", e.Errno, e);
        }

        Check(new ProbeKey("uprobes", 0), static self => self.ProbeUprobes(), this);
    }

    /// <summary>
    /// Checks that classifiers can be attached through rtnetlink the way <c>AttachTcClassifier</c> does (a clsact qdisc
    /// and a direct-action <c>cls_bpf</c> filter, Linux 4.5): SCHED_CLS programs load and, where the kernel's
    /// configuration is readable, CONFIG_NET_CLS_BPF and CONFIG_NET_SCH_INGRESS (which holds clsact) are set.
    /// </summary>
    /// <exception cref="EbpfNotSupportedException">The kernel lacks SCHED_CLS programs, cls_bpf or the clsact qdisc.</exception>
    public void HaveTcNetlink()
    {
        HaveProgramType(BpfProgramType.SchedCls);
        Check(new ProbeKey("tc_netlink", 0),
            static self => TcNetlinkRefusal(RunningKernelConfig.HasConfigFile ? RunningKernelConfig.Value.Values : null), this);
    }

    /// <summary>
    /// The refusal <see cref="HaveTcNetlink"/> reports for a kernel configuration (null: unreadable; the attach's own
    /// ENOENT then says what is missing).
    /// </summary>
    internal static EbpfNotSupportedException? TcNetlinkRefusal(IReadOnlyDictionary<string, string>? config)
    {
        if (config is null)
        {
            return null;
        }

        foreach (string option in (string[])["CONFIG_NET_CLS_BPF", "CONFIG_NET_SCH_INGRESS"])
        {
            if (!config.TryGetValue(option, out string? value) || value is not ("y" or "m"))
            {
                return new EbpfNotSupportedException($"TC classifiers through netlink (clsact and cls_bpf: {option} is not set)", "4.5", Errno.ENOENT);
            }
        }

        return null;
    }

    /// <summary>Where the kernel lists its perf PMUs (tests give their own).</summary>
    internal string EventSourceDevicesPath { get; init; } = "/sys/bus/event_source/devices";

    private EbpfNotSupportedException? ProbeUprobes()
    {
        if (File.Exists(Path.Combine(EventSourceDevicesPath, "uprobe", "type")))
        {
            return null;
        }

        foreach (string tracefs in (string[])["/sys/kernel/tracing", "/sys/kernel/debug/tracing"])
        {
            if (File.Exists(Path.Combine(tracefs, "uprobe_events")))
            {
                return null;
            }
        }

        // No PMU and no mounted tracefs that shows uprobe_events: the kernel's configuration decides, when it is readable.
        if (RunningKernelConfig.HasConfigFile && RunningKernelConfig.Value.Values.TryGetValue("CONFIG_UPROBE_EVENTS", out string? uprobeEvents) && uprobeEvents == "y")
        {
            return null;
        }

        return new EbpfNotSupportedException("USDT probes (uprobes: no uprobe PMU in /sys/bus/event_source/devices and no tracefs uprobe_events; CONFIG_UPROBE_EVENTS)", "4.17", Errno.ENOENT);
    }

    private EbpfNotSupportedException? ProbeRawTracepointCookie()
    {
        var order = BitConverter.IsLittleEndian ? ByteOrder.LittleEndian : ByteOrder.BigEndian;
        var code = new byte[2 * Instruction.SlotSize];
        new Instruction(OpCode.Alu(InstructionClass.Alu64, AluOp.Mov, OperandSource.Constant), Register.R0, Register.R0, 0, 0).Encode(code, order);
        new Instruction(OpCode.Jump(InstructionClass.Jmp, JumpOp.Exit, OperandSource.Constant), Register.R0, Register.R0, 0, 0)
            .Encode(code.AsSpan(Instruction.SlotSize), order);
        fixed (byte* insns = code)
        fixed (byte* license = "GPL\0"u8)
        fixed (byte* name = "sys_enter\0"u8)
        {
            var load = new ProgLoadAttr
            {
                ProgType = BpfProgramType.RawTracepoint,
                InsnCnt = 2,
                Insns = (ulong)insns,
                License = (ulong)license,
            };
            using var program = _syscalls.ProgLoad(ref load);
            try
            {
                using var link = _syscalls.RawTracepointOpen(new RawTracepointOpenAttr { Name = (ulong)name, ProgFd = (uint)program.DangerousGetFd(), Cookie = 1 });
                return null;
            }
            catch (EbpfException e) when (e.Errno == Errno.EINVAL)
            {
                // Kernels before 6.10 refuse a non-zero byte after prog_fd.
                return new EbpfNotSupportedException($"BPF cookie on raw tracepoints (BPF_RAW_TRACEPOINT_OPEN, {CookieProbeTracepoint})", "6.10", e.Errno, e);
            }
        }
    }
}
