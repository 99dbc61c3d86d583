using System.Globalization;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>
/// What a program's ELF section says about attaching it, following libbpf's attach-from-section rules
/// (<c>attach_kprobe</c>, <c>attach_uprobe</c>, <c>attach_tp</c>, <c>attach_raw_tp</c>, ... in libbpf.c): the verb and
/// its arguments, or why the section alone is not enough.
/// </summary>
/// <param name="Verb">What to call.</param>
/// <param name="Target">The tracepoint, raw tracepoint, kernel or user function, or glob the section names.</param>
internal sealed record SectionAttachPlan(SectionAttachVerb Verb, string? Target = null)
{
    /// <summary>The tracepoint group (<c>tracepoint/GROUP/name</c>).</summary>
    public string? Group { get; init; }

    /// <summary>The binary of a uprobe or USDT (<c>uprobe/BINARY:function</c>, <c>usdt/BINARY:provider:name</c>), as written (a bare name is searched on the path at attach).</summary>
    public string? Binary { get; init; }

    /// <summary>The USDT provider (<c>usdt/BINARY:PROVIDER:name</c>).</summary>
    public string? Provider { get; init; }

    /// <summary>The offset after <c>+</c> (<c>kprobe/func+0x10</c>).</summary>
    public ulong Offset { get; init; }

    /// <summary>Whether the probe fires on return (kretprobe, uretprobe).</summary>
    public bool ReturnProbe { get; init; }

    /// <summary>Whether a multi-probe is a session (<c>kprobe.session</c>, <c>uprobe.session</c>): one program on entry and return.</summary>
    public bool Session { get; init; }

    /// <summary>The attach type for <see cref="SectionAttachVerb.Tracing"/>.</summary>
    public BpfAttachType? AttachType { get; init; }

    /// <summary>Why the plan attaches nothing, naming the verb to call instead (for the non-attaching verbs).</summary>
    public string? Reason { get; init; }

    /// <summary>Whether the plan attaches something.</summary>
    public bool Attaches => Verb > SectionAttachVerb.Invalid;

    /// <summary>Reads a section name (with or without a leading <c>?</c>).</summary>
    /// <param name="sectionName">The program's section, such as <c>tracepoint/syscalls/sys_enter_openat</c>.</param>
    /// <param name="programType">The loaded program's type (for sections the table does not know).</param>
    /// <param name="loadedWithAttachProgram">Whether an <c>freplace</c> was loaded with its target program.</param>
    public static SectionAttachPlan Read(string sectionName, BpfProgramType programType, bool loadedWithAttachProgram)
    {
        if (!ProgramSections.TryMatch(sectionName, out var match))
        {
            return NeedsArguments(programType == BpfProgramType.StructOps ? StructOpsReason : "is not a section libbpf knows: call the verb of the program's kind");
        }

        string prefix = match.Definition.Prefix;
        string? target = match.Target;
        return prefix switch
        {
            "tracepoint" or "tp" => Tracepoint(target),
            "raw_tracepoint" or "raw_tp" or "raw_tracepoint.w" or "raw_tp.w" => WithTarget(target, SectionAttachVerb.RawTracepoint, "AttachRawTracepoint(name)"),
            "tp_btf" or "fentry" or "fexit" or "fmod_ret" or "fentry.s" or "fexit.s" or "fmod_ret.s" or "lsm" or "lsm.s" =>
                new(SectionAttachVerb.Tracing, target) { AttachType = match.ExpectedAttachType },
            "iter" or "iter.s" => new(SectionAttachVerb.Iterator, target),
            "freplace" => loadedWithAttachProgram
                ? new(SectionAttachVerb.Freplace, target)
                : NeedsArguments("was loaded without a target program (ProgramLoadOptions.AttachProgram): call AttachFreplace(target, functionName)"),
            "kprobe" or "kretprobe" => Kprobe(target, prefix == "kretprobe"),
            "ksyscall" or "kretsyscall" => WithTarget(target, SectionAttachVerb.Syscall, "AttachKprobe(symbol)") with { ReturnProbe = prefix == "kretsyscall" },
            "kprobe.multi" or "kretprobe.multi" => WithTarget(target, SectionAttachVerb.KprobeMulti, "AttachKprobeMulti(symbols)") with { ReturnProbe = prefix == "kretprobe.multi" },
            "uprobe" or "uprobe.s" or "uretprobe" or "uretprobe.s" => Uprobe(target, prefix.StartsWith("uret", StringComparison.Ordinal)),
            "uprobe.multi" or "uprobe.multi.s" or "uretprobe.multi" or "uretprobe.multi.s" =>
                UprobeMulti(target, prefix.StartsWith("uret", StringComparison.Ordinal), "AttachUprobeMulti(binaryPath, symbols)"),
            "usdt" or "usdt.s" => Usdt(target),
            "kprobe.session" => WithTarget(target, SectionAttachVerb.KprobeMulti, "AttachKprobeMulti(symbols, { Session = true })") with { Session = true },
            "uprobe.session" or "uprobe.session.s" => UprobeMulti(target, returnProbe: false, "AttachUprobeMulti(binaryPath, symbols, { Session = true })") with { Session = true },
            _ => NeedsArguments(ArgumentsReason(prefix, match.ProgramType)),
        };
    }

    private const string StructOpsReason = "is registered through its struct_ops map: call map.AttachStructOps() on the map that holds it";

    private static SectionAttachPlan NeedsArguments(string reason) => new(SectionAttachVerb.NeedsArguments) { Reason = reason };

    private static SectionAttachPlan Invalid(string reason) => new(SectionAttachVerb.Invalid) { Reason = reason };

    private static SectionAttachPlan NoTarget(string verb) => new(SectionAttachVerb.NoTarget) { Reason = $"names no target: call {verb} with one" };

    private static SectionAttachPlan WithTarget(string? target, SectionAttachVerb verb, string call) => target switch
    {
        null => NoTarget(call),
        "" => Invalid($"has an empty target after '/': call {call} or name the target"),
        _ => new(verb, target),
    };

    /// <summary><c>tracepoint/GROUP/NAME</c>: both parts required.</summary>
    private static SectionAttachPlan Tracepoint(string? target)
    {
        if (target is null)
        {
            return NoTarget("AttachTracepoint(group, name)");
        }

        int slash = target.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == target.Length - 1)
        {
            return Invalid("is not tracepoint/<group>/<name>");
        }

        return new(SectionAttachVerb.Tracepoint, target[(slash + 1)..]) { Group = target[..slash] };
    }

    /// <summary><c>kprobe/FUNCTION[+OFFSET]</c>; kretprobes take no offset.</summary>
    private static SectionAttachPlan Kprobe(string? target, bool returnProbe)
    {
        if (target is null)
        {
            return NoTarget("AttachKprobe(symbol)");
        }

        if (!TrySplitOffset(target, out string function, out ulong offset) || !IsKernelSymbol(function))
        {
            return Invalid("is not kprobe/<function>[+<offset>]");
        }

        if (returnProbe && offset != 0)
        {
            return Invalid("gives a kretprobe an offset, which kretprobes do not take");
        }

        return new(SectionAttachVerb.Kprobe, function) { Offset = offset, ReturnProbe = returnProbe };
    }

    /// <summary><c>uprobe/BINARY:FUNCTION[+OFFSET]</c>; uretprobes take no offset.</summary>
    private static SectionAttachPlan Uprobe(string? target, bool returnProbe)
    {
        if (target is null)
        {
            return NoTarget("AttachUprobe(binaryPath, symbol)");
        }

        if (!TrySplitBinary(target, out string binary, out string function))
        {
            return Invalid("is missing :<function>[+<offset>] after the binary");
        }

        // As libbpf: a trailing +OFFSET that reads as a number to the end is the offset, anything else belongs to the name.
        ulong offset = 0;
        int plus = function.LastIndexOf('+');
        if (plus >= 0 && TryParseOffset(function.AsSpan(plus + 1), out ulong parsed))
        {
            offset = parsed;
            function = function[..plus];
        }

        if (function.Length == 0)
        {
            return Invalid("names no function after the binary");
        }

        if (returnProbe && offset != 0)
        {
            return Invalid("gives a uretprobe an offset, which uretprobes do not take");
        }

        return new(SectionAttachVerb.Uprobe, function) { Binary = binary, Offset = offset, ReturnProbe = returnProbe };
    }

    /// <summary><c>uprobe.multi/BINARY:GLOB</c> (and <c>uprobe.session/BINARY:GLOB</c>).</summary>
    private static SectionAttachPlan UprobeMulti(string? target, bool returnProbe, string call)
    {
        if (target is null)
        {
            return NoTarget(call);
        }

        if (!TrySplitBinary(target, out string binary, out string pattern) || pattern.Length == 0)
        {
            return Invalid("is not <kind>/<binary>:<function glob>");
        }

        return new(SectionAttachVerb.UprobeMulti, pattern) { Binary = binary, ReturnProbe = returnProbe };
    }

    /// <summary><c>usdt/BINARY:PROVIDER:NAME</c>, as libbpf's <c>attach_usdt</c> reads it (none of the three parts may hold a colon).</summary>
    private static SectionAttachPlan Usdt(string? target)
    {
        if (target is null)
        {
            return NoTarget("AttachUsdt(binaryPath, provider, name)");
        }

        var parts = target.Split(':');
        if (parts.Length != 3 || parts.Any(p => p.Length == 0))
        {
            return Invalid("is not usdt/<binary>:<provider>:<name>");
        }

        return new(SectionAttachVerb.Usdt, parts[2]) { Binary = parts[0], Provider = parts[1] };
    }

    private static bool TrySplitBinary(string target, out string binary, out string rest)
    {
        int colon = target.IndexOf(':', StringComparison.Ordinal);
        binary = colon > 0 ? target[..colon] : string.Empty;
        rest = colon > 0 ? target[(colon + 1)..] : string.Empty;
        return colon > 0;
    }

    private static bool TrySplitOffset(string target, out string function, out ulong offset)
    {
        offset = 0;
        function = target;
        int plus = target.IndexOf('+', StringComparison.Ordinal);
        if (plus < 0)
        {
            return true;
        }

        function = target[..plus];
        return TryParseOffset(target.AsSpan(plus + 1), out offset);
    }

    /// <summary>A C <c>%li</c> offset: decimal, <c>0x</c> hexadecimal or <c>0</c>-prefixed octal.</summary>
    private static bool TryParseOffset(ReadOnlySpan<char> text, out ulong offset)
    {
        offset = 0;
        if (text.Length == 0)
        {
            return false;
        }

        if (text.Length > 2 && text[0] == '0' && (text[1] is 'x' or 'X'))
        {
            return ulong.TryParse(text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out offset);
        }

        if (text.Length > 1 && text[0] == '0')
        {
            foreach (char c in text[1..])
            {
                if (c is < '0' or > '7')
                {
                    return false;
                }

                offset = (offset * 8) + (ulong)(c - '0');
            }

            return true;
        }

        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out offset);
    }

    /// <summary>libbpf reads a kprobe's function with <c>%m[a-zA-Z0-9_.]</c>.</summary>
    private static bool IsKernelSymbol(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The verb to call for a kind that needs arguments.</summary>
    private static string ArgumentsReason(string prefix, BpfProgramType type) => type switch
    {
        BpfProgramType.Xdp when prefix.EndsWith("devmap", StringComparison.Ordinal) || prefix.EndsWith("cpumap", StringComparison.Ordinal) =>
            "runs from a devmap or cpumap entry: put the program in the map instead of attaching it",
        BpfProgramType.Xdp => "needs an interface: call AttachXdp(interfaceName)",
        BpfProgramType.SchedCls when prefix.StartsWith("netkit", StringComparison.Ordinal) => "needs a netkit device: call AttachNetkit(interfaceName, attachType)",
        BpfProgramType.SchedCls => "needs an interface: call AttachTcx(interfaceName, attachType)",
        BpfProgramType.SchedAct => "is a tc action: add it with tc, there is no attach verb",
        BpfProgramType.CgroupSkb or BpfProgramType.CgroupSock or BpfProgramType.CgroupSockAddr or BpfProgramType.CgroupSysctl
            or BpfProgramType.CgroupSockopt or BpfProgramType.CgroupDevice or BpfProgramType.SockOps =>
            "needs a cgroup: call AttachCgroup(cgroupPath, attachType)",
        BpfProgramType.Lsm => "needs a cgroup: call AttachCgroup(cgroupPath, BpfAttachType.LsmCgroup)",
        BpfProgramType.SkSkb or BpfProgramType.SkMsg => "needs a sockmap or sockhash: call AttachSockmap(map, attachType)",
        BpfProgramType.SkLookup or BpfProgramType.FlowDissector => "needs a network namespace: call AttachNetns(netnsPath, attachType)",
        BpfProgramType.SkReuseport => "is attached to a socket with setsockopt(SO_ATTACH_REUSEPORT_EBPF): there is no attach verb",
        BpfProgramType.SocketFilter => "needs a socket: call AttachSocketFilter(socket)",
        BpfProgramType.Netfilter => "needs a hook: call AttachNetfilter(protocolFamily, hook, priority)",
        BpfProgramType.PerfEvent => "needs a perf event: call AttachPerfEvent(perfEvent) or AttachSoftwareEvent()",
        BpfProgramType.StructOps => StructOpsReason,
        BpfProgramType.LircMode2 => "needs a lirc device: call AttachRaw(lircDevice, BpfAttachType.LircMode2)",
        BpfProgramType.Syscall => "is not attached: run it with TestRun()",
        _ => $"cannot be attached from its section: call the verb for {type} programs",
    };
}
