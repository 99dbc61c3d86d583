using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// Ring-or-perf buffers (libbpf-tools' <c>bpf_buffer</c>): a map declared in C with <c>EBPF_BUFFER(name, size,
/// type)</c> from <c>ebpf/buffer.bpf.h</c> is a ring buffer where the kernel has them (5.8+) and a perf event array
/// otherwise, chosen before load by <see cref="Prepare"/>; <see cref="EventBufferReader"/> reads either.
/// <para>
/// The header declares, per buffer <c>name</c>, the map (a <c>BPF_MAP_TYPE_RINGBUF</c>), the constant
/// <c>const volatile __u32 ebpf_buffer__name</c> (0: ring buffer, 1: perf event array) that
/// <c>ebpf_buffer_reserve</c>, <c>ebpf_buffer_submit</c>, <c>ebpf_buffer_discard</c> and <c>ebpf_buffer_output</c>
/// test, and one per-CPU array <c>ebpf_buffer_heap</c> that holds the event being written in the perf case. The
/// verifier sees the constant (a frozen <c>.rodata</c>) and checks only the branch of the chosen kind.
/// </para>
/// </summary>
public static class EventBuffer
{
    /// <summary>The prefix of each buffer's kind constant: <c>ebpf_buffer__</c> + the map's name.</summary>
    public const string KindVariablePrefix = "ebpf_buffer__";

    /// <summary>The per-CPU array the programs write perf events in before <c>bpf_perf_event_output</c>.</summary>
    public const string HeapMapName = "ebpf_buffer_heap";

    /// <summary>
    /// Chooses the kind of every buffer of <paramref name="spec"/> and sets the spec to it: for
    /// <see cref="EventBufferKind.PerfEventArray"/>, each buffer map becomes a perf event array (4-byte keys and values,
    /// an entry per possible CPU) and its kind constant 1; for <see cref="EventBufferKind.RingBuffer"/> both stay as
    /// declared.
    /// </summary>
    /// <param name="spec">A spec read from an object built with <c>ebpf/buffer.bpf.h</c>, before <see cref="Collection.Load"/>.</param>
    /// <param name="kind">The kind to use; null: a ring buffer where <see cref="Features.HaveMapType"/> finds <c>BPF_MAP_TYPE_RINGBUF</c>, else a perf event array.</param>
    /// <param name="syscalls">The kernel interface for the probe; <see cref="LinuxBpfSyscalls.Instance"/> when null.</param>
    /// <returns>The kind chosen.</returns>
    /// <exception cref="ArgumentException">The spec has no buffer (no <c>ebpf_buffer__NAME</c> constant naming a ring buffer map).</exception>
    /// <exception cref="InvalidOperationException">A ring buffer is asked for after an earlier call made the buffers perf event arrays.</exception>
    public static EventBufferKind Prepare(CollectionSpec spec, EventBufferKind? kind = null, IBpfSyscalls? syscalls = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var buffers = Buffers(spec);
        if (buffers.Count == 0)
        {
            throw new ArgumentException(
                $"the spec has no event buffer: no {KindVariablePrefix}NAME constant names a ring buffer map NAME (declare buffers with EBPF_BUFFER from ebpf/buffer.bpf.h)",
                nameof(spec));
        }

        var chosen = kind ?? Probe(syscalls ?? LinuxBpfSyscalls.Instance);
        if (chosen == EventBufferKind.RingBuffer && buffers.Find(b => b.Map.Type != BpfMapType.Ringbuf) is { Map: { } switched })
        {
            throw new InvalidOperationException($"map '{switched.Name}' was made a perf event array by an earlier Prepare: read the spec again for a ring buffer");
        }

        if (chosen == EventBufferKind.PerfEventArray)
        {
            foreach (var (map, variable) in buffers)
            {
                spec.Maps[map.Name] = map with
                {
                    Type = BpfMapType.PerfEventArray,
                    KeySize = sizeof(uint),
                    ValueSize = sizeof(uint),
                    MaxEntries = 0, // one per possible CPU, as Map.Create sizes perf event arrays
                    Key = null,
                    Value = null,
                };
                variable.Set((uint)EventBufferKind.PerfEventArray);
            }
        }

        return chosen;
    }

    /// <summary>The buffer maps of <paramref name="spec"/> with their kind constants.</summary>
    private static List<(MapSpec Map, VariableSpec Kind)> Buffers(CollectionSpec spec)
    {
        var buffers = new List<(MapSpec, VariableSpec)>();
        foreach (var (name, variable) in spec.Variables)
        {
            if (name.StartsWith(KindVariablePrefix, StringComparison.Ordinal)
                && spec.Maps.TryGetValue(name[KindVariablePrefix.Length..], out var map)
                && map.Type is BpfMapType.Ringbuf or BpfMapType.PerfEventArray
                && variable.Size == sizeof(uint))
            {
                buffers.Add((map, variable));
            }
        }

        return buffers;
    }

    private static EventBufferKind Probe(IBpfSyscalls syscalls)
    {
        var features = ReferenceEquals(syscalls, LinuxBpfSyscalls.Instance) ? Features.Default : new Features(syscalls);
        return Features.IsSupported(() => features.HaveMapType(BpfMapType.Ringbuf)) ? EventBufferKind.RingBuffer : EventBufferKind.PerfEventArray;
    }
}
