using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// <c>struct_ops</c> maps: creating one (its value is a kernel struct named by its vmlinux BTF id), and registering and
/// unregistering the value <see cref="Collection.Load"/> prepared.
/// </summary>
public sealed partial class Map
{
    /// <summary>
    /// Creates a <see cref="BpfMapType.StructOps"/> map: a 4-byte key, one entry and the kernel's
    /// <c>bpf_struct_ops_&lt;type&gt;</c> wrapper as value (<c>btf_vmlinux_value_type_id</c>, no key/value type ids,
    /// but a <c>btf_fd</c> the kernel insists on).
    /// </summary>
    internal static Map CreateStructOps(MapSpec spec, uint valueSize, uint vmlinuxValueTypeId, IBpfSyscalls syscalls, FeatureFallbacks? fallbacks = null)
    {
        using var btf = MapBtf.LoadStructOpsValue(syscalls, spec);
        string name = spec.Name;
        var flags = spec.Flags;
        var attr = new MapCreateAttr
        {
            MapType = BpfMapType.StructOps,
            KeySize = 4,
            ValueSize = valueSize,
            MaxEntries = 1,
            MapFlags = flags,
            BtfVmlinuxValueTypeId = vmlinuxValueTypeId,
            BtfFd = (uint)btf.DangerousGetFd(),
        };
        bool named = TryKernelName(name, out var kernelName);
        if (named)
        {
            attr.MapName = kernelName;
        }

        BpfFileDescriptor fd;
        try
        {
            fd = CreateWithFallbacks(syscalls, attr, named, withBtf: false, fallbacks ?? FeatureFallbacks.Default, name);
        }
        catch (EbpfException e) when (e.Errno == Errno.EINVAL && (flags & BpfMapFlags.Link) != 0)
        {
            Features.For(syscalls).HaveStructOpsLink(); // kernels before 6.4 refuse BPF_F_LINK: say so
            throw;
        }

        return new Map(syscalls, fd, BpfMapType.StructOps, 4, valueSize, 1, flags, name);
    }

    /// <summary>
    /// Whether this map carries a struct_ops value <see cref="Collection.Load"/> prepared (it created the map, or reused
    /// a pinned one, from a <c>.struct_ops</c> or <c>.struct_ops.link</c> section). Maps opened by id, pin or
    /// descriptor, and clones, carry none.
    /// </summary>
    public bool HasStructOpsValue => StructOps is not null;

    /// <summary>Whether this object registered the struct_ops map with <see cref="RegisterStructOps"/> and has not unregistered it.</summary>
    public bool IsStructOpsRegistered => StructOps?.IsRegistered == true;

    /// <summary>The struct_ops value and registration of the collection that prepared this map; null for other maps.</summary>
    internal StructOpsRegistration? StructOps { get; set; }

    /// <summary>
    /// Registers a struct_ops map created without <see cref="BpfMapFlags.Link"/> (a <c>.struct_ops</c> section): writes
    /// the value <see cref="Collection.Load"/> prepared, and that write registers the ops with the kernel (a TCP
    /// congestion control, for example, becomes available). It stays registered until <see cref="UnregisterStructOps"/>
    /// or until this object is disposed, not longer: the kernel keeps a registered map alive by itself, even past the
    /// process, so closing the last descriptor would not unregister it. A map registers once in its life (the kernel
    /// takes one value); load the collection again to register anew. <c>map.AttachStructOps()</c> (Ebpf.Links) calls
    /// this and returns the registration as a link. Maps with <see cref="BpfMapFlags.Link"/> register through a
    /// <c>BPF_LINK_CREATE</c> link instead; <see cref="Collection.Load"/> already wrote their value.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The map is not a struct_ops map, has <see cref="BpfMapFlags.Link"/>, has no prepared value (see
    /// <see cref="HasStructOpsValue"/>), or this object registered it already.
    /// </exception>
    /// <exception cref="EbpfException">
    /// The map is registered already (by another descriptor or process) or was registered once; or the kernel
    /// refused the ops (for example EINVAL for a congestion control missing required members, EEXIST for a name
    /// already taken).
    /// </exception>
    /// <exception cref="ObjectDisposedException">The map or one of its programs was disposed.</exception>
    public void RegisterStructOps()
    {
        if (Type != BpfMapType.StructOps)
        {
            throw new InvalidOperationException($"map {Name} is a {Type} map, not a struct_ops map");
        }

        if ((Flags & BpfMapFlags.Link) != 0)
        {
            throw new InvalidOperationException(
                $"struct_ops map {Name} was created with BPF_F_LINK (a .struct_ops.link section): it registers through a link (BPF_LINK_CREATE, map.AttachStructOps() in Ebpf.Links), not by its value");
        }

        var registration = StructOps
            ?? throw StructOpsRegistration.StateError(this, BpfCommand.MapUpdateElem, "has no prepared value (only a map from Collection.Load carries one; this one was opened by id, pin or descriptor, or cloned)");
        registration.Register();
    }

    /// <summary>
    /// Unregisters what <see cref="RegisterStructOps"/> registered (deletes key 0). Disposing this object does it too.
    /// </summary>
    /// <returns>False when this object has no registration to undo (never registered, or unregistered already).</returns>
    /// <exception cref="EbpfException">The kernel refused (it was unregistered through another descriptor, for example).</exception>
    /// <exception cref="ObjectDisposedException">The map was disposed (which unregistered it).</exception>
    public bool UnregisterStructOps() => StructOps?.Unregister() ?? false;
}
