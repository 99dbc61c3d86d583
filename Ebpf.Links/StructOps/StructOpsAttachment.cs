using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Links;

/// <summary>
/// A struct_ops map created without <c>BPF_F_LINK</c> (a <c>.struct_ops</c> section), registered by writing its value
/// (<see cref="Map.RegisterStructOps"/>): there is no <c>bpf_link</c>. Disposing or <see cref="Detach"/> unregisters it
/// (deletes the map's element); so does disposing the map (or its collection). It cannot be pinned, updated or
/// queried with <see cref="Link.Info"/>: use a <c>.struct_ops.link</c> map for that.
/// </summary>
public sealed class StructOpsAttachment : Link
{
    private bool _detached;

    internal StructOpsAttachment(Map map, IBpfSyscalls syscalls)
        : base(syscalls)
    {
        Map = map;
    }

    /// <summary>The registered struct_ops map (owned by its collection, not by this attachment).</summary>
    public Map Map { get; }

    /// <summary>Not available: a struct_ops map without <c>BPF_F_LINK</c> is replaced by unregistering it and registering another.</summary>
    /// <param name="newProgram">Ignored.</param>
    /// <exception cref="EbpfNotSupportedException">Always.</exception>
    public override void Update(BpfFileDescriptor newProgram) =>
        throw new EbpfNotSupportedException(
            $"updating struct_ops map {Map.Name}: it was registered without BPF_F_LINK (a .struct_ops section), and only a struct_ops link (.struct_ops.link) can be updated");

    /// <summary>Unregisters the map (deletes its element); the kernel takes no second value for it afterwards.</summary>
    public override void Detach()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (_detached)
        {
            return;
        }

        _detached = true;
        Map.UnregisterStructOps();
    }

    /// <inheritdoc />
    public override string ToString() => $"{nameof(StructOpsAttachment)} ({Map.Name})";

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_detached)
        {
            _detached = true;
            try
            {
                Map.UnregisterStructOps();
            }
            catch (Exception e) when (e is EbpfException or ObjectDisposedException)
            {
                // unregistered already, or the map was disposed (which unregistered it)
            }
        }

        base.Dispose(disposing);
    }
}
