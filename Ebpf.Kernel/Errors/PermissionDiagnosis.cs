using System.Globalization;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;

namespace Ebpf.Kernel;

/// <summary>
/// Why the kernel refused a call with EPERM or EACCES. Reads what decides BPF permissions besides the call itself: the
/// process's effective and bounding capabilities, the lockdown mode (securityfs when mounted, else the options and boot
/// parameter that force it), <c>kernel.unprivileged_bpf_disabled</c>, the active LSMs and, for programs that need BPF
/// trampolines, the kernel configuration; then names the missing capabilities, or, when the process has them, the
/// restrictions in force. It cannot see which kernel check refused (the kernel says only EPERM), so it names what is in
/// force rather than claiming one of them did it. Used for the message of every <see cref="EbpfPermissionException"/>
/// of a kernel call, and by tests to tell a machine's restriction from a defect.
/// </summary>
internal sealed class PermissionDiagnosis
{
    /// <summary>Set while this thread counts LSM programs, whose own failures must not be diagnosed again.</summary>
    [ThreadStatic]
    private static bool _counting;

    /// <summary>Why element, batch and freeze commands and mmap of a map are refused: not for privileges.</summary>
    private static readonly PermissionFinding MapAccess = new(
        "the map or this descriptor of it does not allow that access from user space (a descriptor opened read-only or "
        + "write-only, a map created with BPF_F_RDONLY or BPF_F_WRONLY, or a frozen map)",
        ExplainedByEnvironment: false);

    private readonly PermissionSources _sources;
    private readonly Lazy<KernelConfig?> _config;

    private PermissionDiagnosis(PermissionSources sources)
    {
        _sources = sources;
        _config = new Lazy<KernelConfig?>(() => sources.Config ?? RunningConfig());
        Effective = ProcessCapabilities.Effective(sources.StatusPath);
        Bounding = ProcessCapabilities.Bounding(sources.StatusPath);
        UnprivilegedBpfDisabled = ReadFirstLine(Path.Combine(sources.SysctlDirectory, "unprivileged_bpf_disabled")) is { } value
            && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) ? n : null;
        Lsms = ReadFirstLine(Path.Combine(sources.SecurityDirectory, "lsm"))?.Split(',', StringSplitOptions.RemoveEmptyEntries)
            ?? BootParameter("lsm")?.Split(',', StringSplitOptions.RemoveEmptyEntries);
        SelinuxEnforcing = ReadFirstLine(Path.Combine(sources.SelinuxDirectory, "enforce")) == "1";
        Lockdown = ReadLockdown();
    }

    /// <summary>The effective capabilities; null when unknown.</summary>
    public ulong? Effective { get; }

    /// <summary>The capability bounding set; null when unknown.</summary>
    public ulong? Bounding { get; }

    /// <summary>The lockdown mode and where it was read, e.g. <c>integrity</c>; null when the kernel is not locked down (or nothing says so).</summary>
    public string? Lockdown { get; }

    /// <summary>The active LSMs, in order; null when unknown (securityfs not mounted and no <c>lsm=</c> boot parameter).</summary>
    public IReadOnlyList<string>? Lsms { get; }

    /// <summary><c>kernel.unprivileged_bpf_disabled</c>; null when unknown.</summary>
    public int? UnprivilegedBpfDisabled { get; }

    /// <summary>Whether SELinux enforces its policy, whose <c>bpf</c> class can refuse maps and programs.</summary>
    public bool SelinuxEnforcing { get; }

    /// <summary>Reads the running system's files.</summary>
    public static PermissionDiagnosis Read() => new(PermissionSources.System);

    /// <summary>Reads <paramref name="sources"/> (tests give fabricated files).</summary>
    public static PermissionDiagnosis Read(PermissionSources sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        return new(sources);
    }

    /// <summary>Whether a program of this type and attach type runs through a BPF trampoline (or is an LSM program).</summary>
    public static bool UsesTrampoline(BpfProgramType type, BpfAttachType? attachType) =>
        type is BpfProgramType.Lsm or BpfProgramType.Ext
        || (type == BpfProgramType.Tracing && attachType is BpfAttachType.TraceFentry or BpfAttachType.TraceFexit
            or BpfAttachType.ModifyReturn);

    /// <summary>
    /// The explanation of a refused bpf(2) <paramref name="command"/> on this system: element, batch and freeze
    /// commands are refused for the map's or the descriptor's access mode, whatever the privileges (nothing is read
    /// then); the others as <see cref="Explain()"/>.
    /// </summary>
    public static PermissionFinding ExplainCommand(BpfCommand command) =>
        command is BpfCommand.MapLookupElem or BpfCommand.MapUpdateElem or BpfCommand.MapDeleteElem or BpfCommand.MapGetNextKey
            or BpfCommand.MapLookupAndDeleteElem or BpfCommand.MapFreeze or BpfCommand.MapLookupBatch
            or BpfCommand.MapLookupAndDeleteBatch or BpfCommand.MapUpdateBatch or BpfCommand.MapDeleteBatch
            ? MapAccess
            : Read().Explain();

    /// <summary>Why open(2) of a path is refused: the file's permissions, not BPF privileges.</summary>
    private static readonly PermissionFinding FileAccess = new(
        "the file's owner and mode (or an LSM policy) do not allow this process that access; a pinned object keeps the "
        + "permissions it was pinned with",
        ExplainedByEnvironment: false);

    /// <summary>
    /// The explanation of a refused call named <paramref name="operation"/>: mmap of a map its access mode, open(2) the
    /// file's permissions, perf_event_open and mount their own privileges (<see cref="ExplainPerfEventOpen"/>,
    /// <see cref="ExplainMount"/>), others as <see cref="Explain()"/>.
    /// </summary>
    public static PermissionFinding ExplainCall(string operation) => operation switch
    {
        "mmap" => MapAccess,
        "open" => FileAccess,
        "perf_event_open" => Read().ExplainPerfEventOpen(),
        "mount" => Read().ExplainMount(),
        _ when operation.StartsWith("RTM_", StringComparison.Ordinal) => Read().ExplainNetworkAdmin(operation),
        _ => Read().Explain(),
    };

    /// <summary>
    /// The explanation of a refused rtnetlink request (<c>RTM_NEWQDISC</c>, <c>RTM_NEWTFILTER</c>, <c>RTM_SETLINK</c>...):
    /// changes to devices, qdiscs and filters need CAP_NET_ADMIN over the network namespace.
    /// </summary>
    /// <param name="operation">The request, e.g. <c>RTM_NEWTFILTER</c>.</param>
    public PermissionFinding ExplainNetworkAdmin(string operation)
    {
        if (Effective is not { } mask)
        {
            return new PermissionFinding($"{operation} needs CAP_NET_ADMIN", ExplainedByEnvironment: false);
        }

        if (!ProcessCapabilities.Has(mask, ProcessCapabilities.NetAdmin))
        {
            return new PermissionFinding(
                $"{operation} needs CAP_NET_ADMIN, which is not effective{CannotGain(ProcessCapabilities.NetAdmin)}", ExplainedByEnvironment: true);
        }

        var causes = new List<string>();
        if (ReadFirstLine(_sources.UidMapPath) is { } map
            && map.Split(' ', StringSplitOptions.RemoveEmptyEntries) is not ["0", "0", "4294967295"])
        {
            causes.Add($"the process runs in a user namespace (uid_map '{map}'), whose CAP_NET_ADMIN covers only the network namespaces it owns");
        }

        if (SelinuxEnforcing)
        {
            causes.Add("SELinux enforces its policy, which can refuse netlink requests even to root");
        }

        return causes.Count > 0
            ? new PermissionFinding($"{operation} refused although CAP_NET_ADMIN is effective; {string.Join("; ", causes)}", ExplainedByEnvironment: true)
            : new PermissionFinding($"{operation} refused although CAP_NET_ADMIN is effective, and no restriction is in force", ExplainedByEnvironment: false);
    }

    /// <summary>
    /// The explanation of a refused perf_event_open(2), which BPF attaches to tracepoints, kprobes, uprobes and
    /// perf events through: <c>kernel.perf_event_paranoid</c> and CAP_PERFMON or CAP_SYS_ADMIN, lockdown, SELinux.
    /// </summary>
    public PermissionFinding ExplainPerfEventOpen()
    {
        int? paranoid = ReadFirstLine(Path.Combine(_sources.SysctlDirectory, "perf_event_paranoid")) is { } text
            && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int level) ? level : null;
        string sysctl = paranoid is { } p and > -1
            ? $"kernel.perf_event_paranoid is {p}, so CPU-wide and kernel events (tracepoints, kprobes, uprobes) need CAP_PERFMON or CAP_SYS_ADMIN"
            : string.Empty;
        if (Effective is not { } mask)
        {
            return new PermissionFinding(
                $"perf_event_open needs CAP_PERFMON or CAP_SYS_ADMIN{(sysctl.Length > 0 ? $" ({sysctl})" : string.Empty)}",
                ExplainedByEnvironment: false);
        }

        if (!ProcessCapabilities.Has(mask, ProcessCapabilities.Perfmon) && !ProcessCapabilities.Has(mask, ProcessCapabilities.SysAdmin))
        {
            string lack = $"the process has neither CAP_PERFMON nor CAP_SYS_ADMIN effective{CannotGain(ProcessCapabilities.Perfmon, ProcessCapabilities.SysAdmin)}";
            return new PermissionFinding(sysctl.Length > 0 ? $"{lack}, and {sysctl}" : lack, ExplainedByEnvironment: true);
        }

        var causes = new List<string>();
        if (Lockdown is { } lockdown)
        {
            causes.Add($"the kernel is locked down ({lockdown}; see kernel_lockdown(7)), which refuses kprobes (integrity) and perf events that read kernel memory (confidentiality)");
        }

        if (SelinuxEnforcing)
        {
            causes.Add("SELinux enforces its policy, whose perf_event class can refuse even root");
        }

        string held = Held(mask, ProcessCapabilities.Perfmon, ProcessCapabilities.SysAdmin);
        return causes.Count > 0
            ? new PermissionFinding($"perf_event_open refused although {held}; restrictions in force: {string.Join("; ", causes)}", ExplainedByEnvironment: true)
            : new PermissionFinding($"perf_event_open refused although {held}, and no lockdown or LSM restriction is in force", ExplainedByEnvironment: false);
    }

    /// <summary>
    /// The explanation of a refused mount(2) (of bpffs, tracefs, debugfs): it needs CAP_SYS_ADMIN in the initial user
    /// namespace, unless the file system may be mounted in a user namespace.
    /// </summary>
    public PermissionFinding ExplainMount()
    {
        if (Effective is not { } mask)
        {
            return new PermissionFinding("mount needs CAP_SYS_ADMIN", ExplainedByEnvironment: false);
        }

        if (!ProcessCapabilities.Has(mask, ProcessCapabilities.SysAdmin))
        {
            return new PermissionFinding(
                $"mount needs CAP_SYS_ADMIN, which is not effective{CannotGain(ProcessCapabilities.SysAdmin)}", ExplainedByEnvironment: true);
        }

        var causes = new List<string>();
        if (UserNamespaceUidMap() is { } map)
        {
            causes.Add($"the process runs in a user namespace (uid_map '{map}'), whose CAP_SYS_ADMIN mounts only file systems allowed there");
        }

        if (SelinuxEnforcing)
        {
            causes.Add("SELinux enforces its policy, which can refuse mounts even to root");
        }

        return causes.Count > 0
            ? new PermissionFinding($"mount refused although CAP_SYS_ADMIN is effective; {string.Join("; ", causes)}", ExplainedByEnvironment: true)
            : new PermissionFinding("mount refused although CAP_SYS_ADMIN is effective in the initial user namespace, and no LSM restriction is in force", ExplainedByEnvironment: false);
    }

    /// <summary>The process's <c>uid_map</c> when it is not the initial user namespace's identity map; null otherwise or when unknown.</summary>
    private string? UserNamespaceUidMap() =>
        ReadFirstLine(_sources.UidMapPath) is { } map && map.Split(' ', StringSplitOptions.RemoveEmptyEntries) is not ["0", "0", "4294967295"]
            ? map
            : null;

    /// <summary>The explanation of a refused bpf(2) call, which needs CAP_BPF or CAP_SYS_ADMIN.</summary>
    public PermissionFinding Explain()
    {
        if (Effective is not { } mask)
        {
            return new PermissionFinding(EbpfPermissionException.Hint, ExplainedByEnvironment: false);
        }

        if (!ProcessCapabilities.MayUseBpf(mask))
        {
            string lack = $"the process has neither CAP_BPF nor CAP_SYS_ADMIN effective{CannotGain(ProcessCapabilities.Bpf, ProcessCapabilities.SysAdmin)}";
            return new PermissionFinding($"{lack}{UnprivilegedBpf(mask)}; {EbpfPermissionException.Hint}", ExplainedByEnvironment: true);
        }

        var causes = new List<string>();
        if (!ProcessCapabilities.Has(mask, ProcessCapabilities.SysAdmin))
        {
            if (!ProcessCapabilities.Has(mask, ProcessCapabilities.Perfmon))
            {
                causes.Add("CAP_PERFMON is not effective, which tracing programs need besides CAP_BPF");
            }

            if (!ProcessCapabilities.Has(mask, ProcessCapabilities.NetAdmin))
            {
                causes.Add("CAP_NET_ADMIN is not effective, which networking programs and maps need besides CAP_BPF");
            }
        }

        AddRestrictions(causes);
        if (MemlockCharged() is { } memlock)
        {
            causes.Insert(0, memlock);
        }

        if (UserNamespaceUidMap() is { } uidMap)
        {
            // First: in a user namespace this alone explains the refusal, whatever else restricts the machine.
            causes.Insert(0, $"the process runs in a user namespace (uid_map '{uidMap}'), where its capabilities count only there: bpf(2) "
                + "checks them in the initial user namespace unless the call carries a BPF token (BpfToken.Create on a bpffs "
                + "mounted in this namespace with delegate_cmds/maps/progs/attachs options, Linux 6.9+)");
        }

        string held = Held(mask, ProcessCapabilities.Bpf, ProcessCapabilities.SysAdmin);
        return causes.Count > 0
            ? new PermissionFinding($"refused although {held}; restrictions in force: {string.Join("; ", causes)}", ExplainedByEnvironment: true)
            : new PermissionFinding(
                $"refused although {held}, and no lockdown, LSM, capability bounding set or sysctl restriction is in force",
                ExplainedByEnvironment: false);
    }

    /// <summary>
    /// The explanation of a refused program that runs through a BPF trampoline or is an LSM program (fentry, fexit,
    /// fmod_ret, freplace, lsm): these need CAP_SYS_ADMIN, or CAP_BPF with CAP_PERFMON, and a kernel with BPF trampolines.
    /// </summary>
    /// <param name="type">The program type.</param>
    public PermissionFinding ExplainTrampoline(BpfProgramType type)
    {
        if (Effective is not { } mask)
        {
            return new PermissionFinding(EbpfPermissionException.Hint, ExplainedByEnvironment: false);
        }

        if (!ProcessCapabilities.MayTrace(mask))
        {
            string lack = "the process has neither CAP_SYS_ADMIN nor CAP_BPF with CAP_PERFMON effective";
            return new PermissionFinding($"{lack}{UnprivilegedBpf(mask)}; {EbpfPermissionException.Hint}", ExplainedByEnvironment: true);
        }

        var causes = new List<string>();
        var config = _config.Value;
        bool configKnown = config is not null && config.Values.Count > 0;
        if (configKnown && !IsSet(config!, "CONFIG_FUNCTION_TRACER"))
        {
            causes.Add("this kernel has no BPF trampolines (CONFIG_FUNCTION_TRACER is not set), which fentry, fexit, fmod_ret, freplace and LSM programs need");
        }
        else if (configKnown && !IsSet(config!, "CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS"))
        {
            causes.Add("this kernel has no direct-call ftrace (CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS is not set), which BPF trampolines need");
        }

        if (type == BpfProgramType.Lsm)
        {
            if (configKnown && !IsSet(config!, "CONFIG_BPF_LSM"))
            {
                causes.Add("CONFIG_BPF_LSM is not set");
            }
            else if (Lsms is { } lsms && !lsms.Contains("bpf"))
            {
                causes.Add($"'bpf' is not among the active LSMs ({string.Join(',', lsms)}; add it to the lsm= boot parameter)");
            }
        }

        AddRestrictions(causes);
        string held = Held(mask, ProcessCapabilities.Bpf, ProcessCapabilities.Perfmon, ProcessCapabilities.SysAdmin);
        return causes.Count > 0
            ? new PermissionFinding($"refused although {held}; restrictions in force: {string.Join("; ", causes)}", ExplainedByEnvironment: true)
            : new PermissionFinding(
                $"refused although {held}; likely causes: no BPF trampolines (CONFIG_FUNCTION_TRACER, CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS), kernel lockdown, or an LSM policy",
                ExplainedByEnvironment: false);
    }

    /// <summary>
    /// The BPF LSM programs loaded in the kernel (<c>BPF_PROG_GET_NEXT_ID</c>, then each one's type); null when they
    /// cannot be listed (no CAP_SYS_ADMIN) or while this thread is already counting.
    /// </summary>
    internal static int? CountLoadedLsmPrograms()
    {
        if (_counting)
        {
            return null;
        }

        _counting = true;
        try
        {
            var syscalls = LinuxBpfSyscalls.Instance;
            var next = new GetIdAttr();
            int count = 0;
            while (syscalls.TryGetNextId(BpfObjectKind.Program, ref next) is var errno && errno != Errno.ENOENT)
            {
                if (errno != Errno.None)
                {
                    return null;
                }

                next.StartId = next.NextId;
                if (syscalls.TryGetFdById(BpfObjectKind.Program, new GetIdAttr { Id = next.NextId }, out var fd) == Errno.None && fd is not null)
                {
                    using (fd)
                    {
                        count += Program.QueryInfo(syscalls, fd).Type == BpfProgramType.Lsm ? 1 : 0;
                    }
                }
            }

            return count;
        }
        catch (EbpfException)
        {
            return null;
        }
        finally
        {
            _counting = false;
        }
    }

    /// <summary>Restrictions that apply whatever the process's capabilities: lockdown, LSMs, the bounding set.</summary>
    private void AddRestrictions(List<string> causes)
    {
        if (Lockdown is { } lockdown)
        {
            causes.Insert(0, $"the kernel is locked down ({lockdown}; see kernel_lockdown(7))");
        }

        if (BpfLsmMayBeActive() && _sources.CountLsmPrograms() is { } lsmPrograms and > 0)
        {
            causes.Add($"{lsmPrograms} BPF LSM program{(lsmPrograms == 1 ? " is" : "s are")} loaded (bpftool prog list shows them), whose policy can refuse BPF calls");
        }

        if (SelinuxEnforcing)
        {
            causes.Add("SELinux enforces its policy, whose bpf class (map_create, prog_load, ...) can refuse even root");
        }

        if (Bounding is { } bounding)
        {
            int last = LastCapability();
            var missing = Enumerable.Range(0, last + 1).Where(c => !ProcessCapabilities.Has(bounding, c)).Select(ProcessCapabilities.Name).ToList();
            if (missing.Count > 0)
            {
                causes.Add($"{Join(missing)} {(missing.Count == 1 ? "is" : "are")} not in the capability bounding set");
            }
        }
    }

    /// <summary>
    /// The cause to name when the kernel charges BPF objects against <c>RLIMIT_MEMLOCK</c> and the limit is finite: the
    /// usual reason for EPERM from a privileged process before Linux 5.11; null otherwise.
    /// </summary>
    private string? MemlockCharged()
    {
        if (_sources.ChargesMemlock() != true || ReadMemlockLimit() is not { } bytes)
        {
            return null;
        }

        string raise = MemlockAccounting.Running.RaiseFailed && ReferenceEquals(_sources, PermissionSources.System)
            ? ", and raising it failed (raising the hard limit needs CAP_SYS_RESOURCE)"
            : string.Empty;
        return $"this kernel charges BPF maps and programs against RLIMIT_MEMLOCK (before Linux 5.11), which is {bytes} bytes{raise}: "
            + "lift it with MemlockLimit.Remove() or `ulimit -l unlimited`";
    }

    /// <summary>The soft <c>RLIMIT_MEMLOCK</c> in bytes from the limits file; null when unlimited or unknown.</summary>
    private ulong? ReadMemlockLimit()
    {
        try
        {
            if (!File.Exists(_sources.LimitsPath))
            {
                return null;
            }

            foreach (string line in File.ReadLines(_sources.LimitsPath))
            {
                if (line.StartsWith("Max locked memory", StringComparison.Ordinal))
                {
                    string[] fields = line["Max locked memory".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return fields.Length > 0 && ulong.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out ulong soft) ? soft : null;
                }
            }

            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Whether the BPF LSM may run programs: 'bpf' among the active LSMs, or, when they are unknown, CONFIG_BPF_LSM set.</summary>
    private bool BpfLsmMayBeActive() =>
        Lsms is { } lsms ? lsms.Contains("bpf") : _config.Value is { } config && IsSet(config, "CONFIG_BPF_LSM");

    /// <summary>", nor in its bounding set, so it cannot gain them" when the bounding set lacks every one of <paramref name="capabilities"/>.</summary>
    private string CannotGain(params int[] capabilities) =>
        Bounding is { } bounding && capabilities.All(c => !ProcessCapabilities.Has(bounding, c))
            ? " (nor in its capability bounding set, so it cannot gain them)"
            : string.Empty;

    private string UnprivilegedBpf(ulong mask) =>
        UnprivilegedBpfDisabled is { } disabled and not 0 && !ProcessCapabilities.MayUseBpf(mask)
            ? $"; kernel.unprivileged_bpf_disabled is {disabled}, so bpf() refuses processes without CAP_BPF or CAP_SYS_ADMIN"
            : string.Empty;

    /// <summary>"CAP_BPF and CAP_SYS_ADMIN are effective": those of <paramref name="capabilities"/> that <paramref name="mask"/> has.</summary>
    private static string Held(ulong mask, params int[] capabilities)
    {
        var held = capabilities.Where(c => ProcessCapabilities.Has(mask, c)).Select(ProcessCapabilities.Name).ToList();
        return $"{Join(held)} {(held.Count == 1 ? "is" : "are")} effective";
    }

    private static string Join(IReadOnlyList<string> items) =>
        items.Count <= 1 ? string.Concat(items) : $"{string.Join(", ", items.Take(items.Count - 1))} and {items[^1]}";

    private int LastCapability() =>
        ReadFirstLine(Path.Combine(_sources.SysctlDirectory, "cap_last_cap")) is { } text
            && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int last)
                ? Math.Min(last, ProcessCapabilities.LastKnown)
                : ProcessCapabilities.LastKnown;

    /// <summary>
    /// The lockdown mode, when the kernel is locked down: from securityfs when mounted, else from the options that force
    /// it at boot or the <c>lockdown=</c> boot parameter; null when none says so.
    /// </summary>
    private string? ReadLockdown()
    {
        if (ReadFirstLine(Path.Combine(_sources.SecurityDirectory, "lockdown")) is { } state)
        {
            int open = state.IndexOf('[', StringComparison.Ordinal);
            int close = state.IndexOf(']', StringComparison.Ordinal);
            string mode = open >= 0 && close > open ? state[(open + 1)..close] : state;
            return mode == "none" ? null : mode;
        }

        foreach (string mode in new[] { "CONFIDENTIALITY", "INTEGRITY" })
        {
            if (_config.Value is { } config && IsSet(config, $"CONFIG_LOCK_DOWN_KERNEL_FORCE_{mode}"))
            {
                return $"{mode.ToLowerInvariant()}, forced by CONFIG_LOCK_DOWN_KERNEL_FORCE_{mode}";
            }
        }

        return BootParameter("lockdown") is { } parameter && parameter != "none" ? $"{parameter}, from the lockdown= boot parameter" : null;
    }

    private string? BootParameter(string name) =>
        ReadFirstLine(_sources.CommandLinePath)?.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .LastOrDefault(a => a.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];

    private static KernelConfig? RunningConfig()
    {
        try
        {
            return RunningKernelConfig.Value;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or FormatException)
        {
            return null;
        }
    }

    private static bool IsSet(KernelConfig config, string option) =>
        config.Values.TryGetValue(option, out var value) && value is "y" or "m";

    private static string? ReadFirstLine(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadLines(path).FirstOrDefault()?.Trim() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
