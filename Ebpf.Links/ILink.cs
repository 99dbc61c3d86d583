using Ebpf.Kernel;

namespace Ebpf.Links;

/// <summary>
/// A program attached to a kernel hook. Disposing closes the attachment, which detaches the program unless the
/// link is pinned (then the pin keeps it attached until <see cref="Unpin"/> and the last descriptor close).
/// </summary>
public interface ILink : IDisposable
{
    /// <summary>Replaces the attached program atomically (<c>BPF_LINK_UPDATE</c>).</summary>
    /// <param name="newProgram">The program to run from now on; it must have the same type and attach type.</param>
    void Update(BpfFileDescriptor newProgram);

    /// <summary>Pins the link at <paramref name="path"/> on a bpffs, so it outlives this process.</summary>
    void Pin(string path);

    /// <summary>Removes the pin made by <see cref="Pin"/> (or found by <c>Link.OpenPinned</c>).</summary>
    void Unpin();

    /// <summary>Reads what the kernel reports about the link (<c>struct bpf_link_info</c>).</summary>
    LinkInfo Info();

    /// <summary>Detaches the program now, even when the link is pinned or has other descriptors (<c>BPF_LINK_DETACH</c>).</summary>
    void Detach();
}
