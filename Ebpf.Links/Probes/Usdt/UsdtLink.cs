using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Links;

/// <summary>
/// A program attached to every site of one USDT probe (<see cref="UsdtAttachExtensions.AttachUsdt"/>): one uprobe
/// per site, each with the spec id of its arguments as BPF cookie, and the spec ids (and, without BPF cookies, the
/// ip-to-spec-id entries) it wrote into the program's usdt.bpf.h maps. Disposing detaches every uprobe, removes the
/// ip entries and frees the spec ids. It has no <c>bpf_link</c> of its own: pin or inspect <see cref="Uprobes"/>.
/// </summary>
public sealed class UsdtLink : Link
{
    private readonly List<PerfEventLink> _uprobes = [];
    private readonly List<int> _specIds = [];
    private readonly List<long> _instructionPointers = [];
    private readonly UsdtSpecIds? _ids;
    private readonly Map? _specs;
    private readonly Map? _ipToSpecId;

    internal UsdtLink(IBpfSyscalls syscalls, UsdtSpecIds? ids, Map? specs, Map? ipToSpecId)
        : base(syscalls)
    {
        _ids = ids;
        _specs = specs;
        _ipToSpecId = ipToSpecId;
    }

    /// <summary>The uprobes, one per probe site, in note order.</summary>
    public IReadOnlyList<PerfEventLink> Uprobes => _uprobes;

    /// <summary>The spec ids this link wrote into <c>__bpf_usdt_specs</c> (one per distinct argument specification).</summary>
    internal IReadOnlyList<int> SpecIds => _specIds;

    /// <summary>Takes a spec id for this link and writes <paramref name="spec"/> under it.</summary>
    internal int AddSpec(byte[] spec)
    {
        int id = _ids!.Take();
        _specIds.Add(id);
        _specs!.Update(BitConverter.GetBytes(id), spec);
        return id;
    }

    /// <summary>Maps <paramref name="instructionPointer"/> to <paramref name="specId"/> in <c>__bpf_usdt_ip_to_spec_id</c> (kernels without BPF cookies).</summary>
    /// <exception cref="InvalidOperationException">Another USDT link of the map has the address already, or the map is full.</exception>
    internal void AddInstructionPointer(long instructionPointer, int specId)
    {
        if (!_ipToSpecId!.TryUpdate(BitConverter.GetBytes(instructionPointer), BitConverter.GetBytes(specId), MapUpdateFlags.NoExist))
        {
            throw new InvalidOperationException($"USDT address 0x{instructionPointer:x} is already in __bpf_usdt_ip_to_spec_id (attached twice?), or the map is full (BPF_USDT_MAX_IP_CNT)");
        }

        _instructionPointers.Add(instructionPointer);
    }

    /// <summary>Adds an attached site.</summary>
    internal void AddUprobe(PerfEventLink uprobe) => _uprobes.Add(uprobe);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            for (int i = _uprobes.Count - 1; i >= 0; i--)
            {
                _uprobes[i].Dispose();
            }

            foreach (long ip in _instructionPointers)
            {
                _ipToSpecId!.TryDelete(BitConverter.GetBytes(ip));
            }

            _ids?.Return(_specIds);
            _specs?.Dispose();
            _ipToSpecId?.Dispose();
        }

        base.Dispose(disposing);
    }
}
