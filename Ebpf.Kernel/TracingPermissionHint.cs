using Ebpf.Specs;

namespace Ebpf.Kernel;

/// <summary>
/// Explains an EPERM for a program that needs a BPF trampoline or BPF LSM (fentry, fexit, fmod_ret, freplace, lsm)
/// when the process has the capabilities: then the kernel refused for another reason, which the capability hint of
/// <see cref="EbpfPermissionException"/> would hide.
/// </summary>
internal static class TracingPermissionHint
{
    /// <summary>Where securityfs is usually mounted.</summary>
    public const string SecurityDirectory = "/sys/kernel/security";

    /// <summary>Whether a program of this type and attach type runs through a BPF trampoline (or is an LSM program).</summary>
    public static bool Applies(BpfProgramType type, BpfAttachType? attachType) =>
        type is BpfProgramType.Lsm or BpfProgramType.Ext
        || (type == BpfProgramType.Tracing && attachType is BpfAttachType.TraceFentry or BpfAttachType.TraceFexit
            or BpfAttachType.ModifyReturn);

    /// <summary>
    /// The explanation for an EPERM, or null when the process lacks the capabilities (or they cannot be read): the
    /// capability hint is right then.
    /// </summary>
    /// <param name="type">The program type.</param>
    /// <param name="config">The running kernel's configuration, when known.</param>
    /// <param name="capabilities">The effective capabilities, null when unknown.</param>
    /// <param name="securityDirectory">The securityfs directory with <c>lsm</c> and <c>lockdown</c> (tests give their own).</param>
    public static string? Explain(BpfProgramType type, KernelConfig? config, ulong? capabilities, string securityDirectory = SecurityDirectory)
    {
        if (capabilities is not { } mask || !ProcessCapabilities.MayTrace(mask))
        {
            return null;
        }

        var causes = new List<string>();
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
            else if (ReadFirstLine(Path.Combine(securityDirectory, "lsm")) is { } lsms && !lsms.Split(',').Contains("bpf"))
            {
                causes.Add($"'bpf' is not among the active LSMs ({lsms}; add it to the lsm= boot parameter)");
            }
        }

        if (Lockdown(config, securityDirectory) is { } lockdown)
        {
            causes.Insert(0, $"the kernel is locked down ({lockdown}; see kernel_lockdown(7)), which can refuse BPF trampolines and LSM programs even to root");
        }

        string reason = causes.Count > 0
            ? string.Join("; ", causes)
            : "likely causes: no BPF trampolines (CONFIG_FUNCTION_TRACER, CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS), kernel lockdown, or an LSM policy";
        return $"the process has {(ProcessCapabilities.Has(mask, ProcessCapabilities.SysAdmin) ? "CAP_SYS_ADMIN" : "CAP_BPF and CAP_PERFMON")}, so missing privileges are not the cause: {reason}";
    }

    /// <summary>
    /// The lockdown state, when the kernel is locked down: from securityfs when mounted, else from the options that
    /// force it at boot or the <c>lockdown=</c> boot parameter; null when none says so.
    /// </summary>
    private static string? Lockdown(KernelConfig? config, string securityDirectory)
    {
        if (ReadFirstLine(Path.Combine(securityDirectory, "lockdown")) is { } state)
        {
            return state.Contains("[none]", StringComparison.Ordinal) ? null : $"mode {state}";
        }

        foreach (string mode in new[] { "CONFIDENTIALITY", "INTEGRITY" })
        {
            if (config is not null && IsSet(config, $"CONFIG_LOCK_DOWN_KERNEL_FORCE_{mode}"))
            {
                return $"{mode.ToLowerInvariant()} mode, forced by CONFIG_LOCK_DOWN_KERNEL_FORCE_{mode}";
            }
        }

        return ReadFirstLine("/proc/cmdline")?.Split(' ').FirstOrDefault(a => a.StartsWith("lockdown=", StringComparison.Ordinal)) is { } parameter
            && parameter != "lockdown=none"
                ? $"boot parameter {parameter}"
                : null;
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
