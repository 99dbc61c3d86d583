using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// Whether the running kernel charges BPF maps, programs and BTF against <c>RLIMIT_MEMLOCK</c> (before Linux 5.11) or
/// the memory cgroup, and the raise of the limit that map, program and BTF creation do first on the former, once per
/// process, as libbpf 1.0 does. The probe is libbpf's: a socket filter calling <c>bpf_ktime_get_coarse_ns</c>, the
/// helper that came with memory cgroup accounting; the kernel refuses it with EINVAL where the limit is charged.
/// </summary>
internal sealed class MemlockAccounting
{
    /// <summary><c>call bpf_ktime_get_coarse_ns</c> (helper 160); <c>exit</c>.</summary>
    private static readonly ulong[] Probe = [0x0000_00a0_0000_0085UL, 0x0000_0000_0000_0095UL];

    private readonly Func<Errno> _probe;
    private readonly ISystemCalls _system;
    private readonly Lock _gate = new();
    private volatile bool _done;

    /// <summary>Creates the accounting check over <paramref name="probe"/> (the probe program's load) and <paramref name="system"/>.</summary>
    internal MemlockAccounting(Func<Errno> probe, ISystemCalls system)
    {
        _probe = probe;
        _system = system;
    }

    /// <summary>The running kernel's, raising through libc.</summary>
    public static MemlockAccounting Running { get; } = new(LoadProbe, LinuxBpfSyscalls.Instance);

    /// <summary>
    /// True when the kernel charges the limit, false when it charges the memory cgroup; null until probed, or when the
    /// probe was refused for another reason (privileges).
    /// </summary>
    public bool? ChargesMemlock { get; private set; }

    /// <summary>The limit was charged and could not be lifted to unlimited (no CAP_SYS_RESOURCE to raise the hard limit).</summary>
    public bool RaiseFailed { get; private set; }

    /// <summary>
    /// Before the first map, program or BTF object: probes the kernel and, when it charges <c>RLIMIT_MEMLOCK</c> and
    /// <see cref="MemlockLimit.RaiseAutomatically"/> is set, raises the limit to unlimited (or the soft limit to the hard
    /// one when the process may not raise that). Never throws: a limit left as it was shows in the refusal's message.
    /// </summary>
    public void RaiseOnce()
    {
        if (_done)
        {
            return;
        }

        lock (_gate)
        {
            if (_done || !MemlockLimit.RaiseAutomatically)
            {
                return;
            }

            _done = true;
            ChargesMemlock = Classify(_probe());
            if (ChargesMemlock != false)
            {
                Raise();
            }
        }
    }

    /// <summary>
    /// <see cref="ChargesMemlock"/>, probing the kernel when it has not been (without raising anything); null when the
    /// probe is refused for another reason.
    /// </summary>
    public bool? Charges() => _done ? ChargesMemlock : Classify(_probe());

    /// <summary>Lets the next <see cref="RaiseOnce"/> probe and raise again (tests).</summary>
    internal void Reset()
    {
        lock (_gate)
        {
            _done = false;
            ChargesMemlock = null;
            RaiseFailed = false;
        }
    }

    private static bool? Classify(Errno probe) => probe switch
    {
        Errno.None => false,
        Errno.EINVAL => true,
        _ => null,
    };

    private void Raise()
    {
        try
        {
            MemlockLimit.Remove(_system);
        }
        catch (EbpfPermissionException)
        {
            // No CAP_SYS_RESOURCE to raise the hard limit: take the soft limit up to it.
            RaiseFailed = ChargesMemlock == true;
            try
            {
                var limit = _system.GetMemlockLimit();
                if (limit.Current < limit.Maximum)
                {
                    _system.SetMemlockLimit(new ResourceLimit(limit.Maximum, limit.Maximum));
                }
            }
            catch (EbpfException)
            {
                // The limit stays, and a refusal's message names it.
            }
        }
        catch (EbpfException)
        {
            // getrlimit failed: the limit stays, and a refusal's message names it.
        }
    }

    private static unsafe Errno LoadProbe()
    {
        ReadOnlySpan<byte> license = "GPL\0"u8;
        fixed (ulong* insns = Probe)
        fixed (byte* lic = license)
        {
            var attr = new ProgLoadAttr
            {
                ProgType = BpfProgramType.SocketFilter,
                InsnCnt = (uint)Probe.Length,
                Insns = (ulong)insns,
                License = (ulong)lic,
            };
            return LinuxBpfSyscalls.TryLoadProbe(ref attr);
        }
    }
}
