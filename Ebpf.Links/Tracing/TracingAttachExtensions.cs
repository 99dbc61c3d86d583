using Ebpf.Btf;
using Ebpf.Kernel;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>
/// Attaches a loaded tracepoint, raw tracepoint, BTF tracing, extension or iterator <see cref="Program"/>:
/// <c>program.AttachTracepoint("syscalls", "sys_enter_execve")</c>. Each returns the link; disposing it detaches.
/// </summary>
public static class TracingAttachExtensions
{
    /// <summary>
    /// Attaches <paramref name="program"/> to tracepoint <paramref name="group"/>/<paramref name="name"/>
    /// (<c>perf_event_open(PERF_TYPE_TRACEPOINT)</c>, then a perf event link or <c>PERF_EVENT_IOC_SET_BPF</c>).
    /// </summary>
    /// <param name="program">A tracepoint program.</param>
    /// <param name="group">The tracepoint group, e.g. <c>syscalls</c>.</param>
    /// <param name="name">The tracepoint, e.g. <c>sys_enter_getpid</c>.</param>
    /// <param name="cookie">The BPF cookie the program reads with <c>bpf_get_attach_cookie</c> (Linux 5.15+); 0 for none.</param>
    /// <exception cref="ArgumentException">No such tracepoint.</exception>
    public static PerfEventLink AttachTracepoint(this Program program, string group, string name, ulong cookie = 0)
    {
        ArgumentNullException.ThrowIfNull(program);
        return Tracepoint.Attach(program.FileDescriptor, group, name, cookie, program.Syscalls);
    }

    /// <summary>Attaches <paramref name="program"/> to raw tracepoint <paramref name="name"/> (<c>BPF_RAW_TRACEPOINT_OPEN</c>).</summary>
    /// <param name="program">A raw tracepoint (or writable raw tracepoint) program.</param>
    /// <param name="name">The tracepoint, without group, e.g. <c>sys_enter</c>.</param>
    /// <param name="cookie">The BPF cookie the program reads with <c>bpf_get_attach_cookie</c> (Linux 6.10+); 0 for none (every kernel).</param>
    /// <exception cref="EbpfNotSupportedException">A non-zero cookie on a kernel before 6.10.</exception>
    /// <exception cref="EbpfException">ENOENT: no such tracepoint.</exception>
    public static RawTracepointLink AttachRawTracepoint(this Program program, string name, ulong cookie = 0)
    {
        ArgumentNullException.ThrowIfNull(program);
        return RawTracepointLink.Attach(program.FileDescriptor, name, cookie, program.Syscalls);
    }

    /// <summary>
    /// Attaches a tp_btf, fentry, fexit, fmod_ret or lsm <paramref name="program"/> to the target it was loaded for
    /// (<c>BPF_LINK_CREATE</c>, falling back to <c>BPF_RAW_TRACEPOINT_OPEN</c> before 5.10).
    /// </summary>
    /// <param name="program">A tracing or LSM program loaded with <c>attach_btf_id</c>.</param>
    /// <param name="attachType">The program's expected attach type (<see cref="BpfAttachType.TraceFentry"/>, ...).</param>
    /// <param name="cookie">The BPF cookie (Linux 5.19+); 0 for none.</param>
    /// <exception cref="EbpfPermissionException">Refused, with the cause (lockdown, no trampolines) in the message.</exception>
    /// <exception cref="EbpfNotSupportedException">
    /// A cookie on a kernel before 5.19, or a second attach of a fentry, fexit, fmod_ret or lsm program after its first
    /// link closed on a kernel before 5.13 (load the program again).
    /// </exception>
    public static TracingLink AttachTracing(this Program program, BpfAttachType attachType, ulong cookie = 0)
    {
        ArgumentNullException.ThrowIfNull(program);
        return TracingLink.Attach(program.FileDescriptor, attachType, cookie, program.Syscalls);
    }

    /// <summary>
    /// Attaches extension program <paramref name="program"/> in place of the function it was loaded to replace
    /// (<see cref="ProgramLoadOptions.AttachProgram"/> and the function its <c>freplace/...</c> section names).
    /// </summary>
    /// <param name="program">An extension (<c>freplace/...</c>) program loaded with a target program.</param>
    /// <exception cref="EbpfPermissionException">Refused, with the cause (lockdown, no trampolines) in the message.</exception>
    public static TracingLink AttachFreplace(this Program program)
    {
        ArgumentNullException.ThrowIfNull(program);
        return TracingLink.AttachReplace(program.FileDescriptor, null, 0, program.Syscalls);
    }

    /// <summary>Attaches extension program <paramref name="program"/> in place of global function <paramref name="functionName"/> of <paramref name="target"/> (freplace).</summary>
    /// <param name="program">An extension (<c>freplace/...</c>) program.</param>
    /// <param name="target">The loaded program whose global function is replaced; it must have BTF.</param>
    /// <param name="functionName">The function, found by name in <paramref name="target"/>'s BTF.</param>
    /// <exception cref="ArgumentException"><paramref name="target"/> has no BTF, or no function of that name.</exception>
    /// <exception cref="EbpfPermissionException">Refused, with the cause (lockdown, no trampolines) in the message.</exception>
    public static TracingLink AttachFreplace(this Program program, Program target, string functionName)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(target);
        return program.AttachFreplace(target, FunctionBtfId(target, functionName));
    }

    /// <summary>Attaches extension program <paramref name="program"/> in place of function <paramref name="targetBtfId"/> of <paramref name="target"/> (freplace).</summary>
    /// <param name="program">An extension (<c>freplace/...</c>) program.</param>
    /// <param name="target">The loaded program whose global function is replaced.</param>
    /// <param name="targetBtfId">The BTF id of the function in <paramref name="target"/>'s BTF.</param>
    /// <exception cref="EbpfPermissionException">Refused, with the cause (lockdown, no trampolines) in the message.</exception>
    public static TracingLink AttachFreplace(this Program program, Program target, uint targetBtfId)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(target);
        return TracingLink.AttachReplace(program.FileDescriptor, target.FileDescriptor, targetBtfId, program.Syscalls);
    }

    /// <summary>The BTF id of global function <paramref name="functionName"/> in the BTF <paramref name="target"/> was loaded with.</summary>
    /// <exception cref="ArgumentException">The program has no BTF, or not exactly one function of that name.</exception>
    internal static uint FunctionBtfId(Program target, string functionName)
    {
        ArgumentException.ThrowIfNullOrEmpty(functionName);
        uint btfId = target.Info().BtfId;
        if (btfId == 0)
        {
            throw new ArgumentException($"program {target.Name} has no BTF, so its function {functionName} cannot be found by name", nameof(target));
        }

        var ids = KernelBtfObjects.Read(target.Syscalls, btfId).FindIds(functionName, BtfKind.Func);
        if (ids.Count != 1)
        {
            throw new ArgumentException($"the BTF of program {target.Name} has {ids.Count} functions named {functionName}, not one", nameof(functionName));
        }

        return ids[0];
    }

    /// <summary>Creates an iterator link (<c>BPF_TRACE_ITER</c>, Linux 5.8+); read a pass with <see cref="IterLink.Open"/> or <see cref="IterLink.ReadAllText"/>.</summary>
    /// <param name="program">An iterator program (<c>iter/task</c>, <c>iter/bpf_map_elem</c>, ...).</param>
    /// <param name="map">The map to iterate, for map element iterators; else null.</param>
    /// <exception cref="EbpfNotSupportedException">The kernel has no BPF iterators.</exception>
    public static IterLink AttachIterator(this Program program, Map? map = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        return IterLink.Attach(program.FileDescriptor, map?.FileDescriptor, program.Syscalls);
    }
}
