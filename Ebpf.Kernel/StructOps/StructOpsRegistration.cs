using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// One struct_ops map of a <see cref="Collection"/>: the value <see cref="Collection.Load"/> prepared and this
/// process's registration of it. The collection owns it and ends the registration when disposed; the map reaches
/// it for <see cref="Map.RegisterStructOps"/>, <see cref="Map.UnregisterStructOps"/> and its own dispose.
/// </summary>
internal sealed class StructOpsRegistration
{
    /// <summary>Offset of <c>state</c> in the wrapper's leading <c>bpf_struct_ops_common_value</c> (after <c>refcount_t refcnt</c>).</summary>
    private const int StateOffset = 4;

    private readonly Map _map;
    private readonly StructOpsValue _value;
    private readonly Lock _lock = new();
    private bool _written; // the value was written by registering (a map takes one value, however often it is registered)
    private bool _registered;

    private StructOpsRegistration(Map map, StructOpsValue value)
    {
        _map = map;
        _value = value;
    }

    /// <summary>Whether <see cref="Register"/> registered the map and no one unregistered it yet.</summary>
    public bool IsRegistered
    {
        get
        {
            lock (_lock)
            {
                return _registered;
            }
        }
    }

    /// <summary>
    /// Keeps the value <see cref="Collection.Load"/> prepared for <paramref name="map"/>; writes it now for a
    /// <see cref="BpfMapFlags.Link"/> map (which does not register it), unless the map is <paramref name="reused"/>
    /// from a pin and has a value already. Nothing registers here.
    /// </summary>
    public static StructOpsRegistration Prepare(Map map, StructOpsValue value, bool reused)
    {
        if ((map.Flags & BpfMapFlags.Link) != 0 && (!reused || ReadState(map) == 0))
        {
            value.Write(map);
        }

        var registration = new StructOpsRegistration(map, value);
        map.StructOps = registration;
        return registration;
    }

    /// <summary>Writes the prepared value, which registers a map without <see cref="BpfMapFlags.Link"/>; see <see cref="Map.RegisterStructOps"/>.</summary>
    public void Register()
    {
        lock (_lock)
        {
            if (_registered)
            {
                throw new InvalidOperationException($"struct_ops map {_map.Name} is registered by this object already");
            }

            if (_written)
            {
                throw Named(_map, new EbpfException(KernelNames.Of(BpfCommand.MapUpdateElem), Errno.EBUSY,
                    "the struct_ops map was registered and unregistered: the kernel takes one value per struct_ops map, load the collection again to register anew"));
            }

            try
            {
                _value.Write(_map);
                _written = true;
            }
            catch (EbpfException e) when (e.Errno == Errno.EBUSY)
            {
                throw StateError(_map, BpfCommand.MapUpdateElem, "cannot take a value", e);
            }
            catch (EbpfException e) when (e.Command == BpfCommand.MapUpdateElem)
            {
                throw Named(_map, new EbpfException(KernelNames.Of(BpfCommand.MapUpdateElem), e.Errno,
                    "the kernel refused to register the struct_ops map (its struct_ops type's checks failed, or its name is taken)"));
            }

            _registered = true;
        }
    }

    /// <summary>Unregisters what <see cref="Register"/> registered (deletes key 0); false when nothing is registered.</summary>
    public bool Unregister()
    {
        lock (_lock)
        {
            if (!_registered)
            {
                return false;
            }

            _registered = false;
            Span<byte> zero = stackalloc byte[4];
            zero.Clear();
            _map.Delete(zero);
            return true;
        }
    }

    /// <summary>Unregisters on dispose; the descriptor may be closed already, and nothing is left to undo then.</summary>
    public void Release()
    {
        try
        {
            Unregister();
        }
        catch (Exception e) when (e is EbpfException or ObjectDisposedException)
        {
            // unregistered through another descriptor, or closed: nothing left to undo
        }
    }

    /// <summary>
    /// Why <paramref name="map"/> cannot take its value, from its state; a kernel error names the map once
    /// (<c>map 'name': ...</c>), as a load's failures do.
    /// </summary>
    public static Exception StateError(Map map, BpfCommand command, string otherwise, Exception? inner = null)
    {
        string operation = KernelNames.Of(command);
        return ReadState(map) switch
        {
            1 => Named(map, new EbpfException(operation, Errno.EBUSY, "the struct_ops map is registered already (by another descriptor or process)")),
            2 => Named(map, new EbpfException(operation, Errno.EBUSY, "the struct_ops map was registered and unregistered: the kernel takes one value per struct_ops map")),
            _ when inner is not null => Named(map, new EbpfException($"the struct_ops map {otherwise}", inner)),
            _ => new InvalidOperationException($"struct_ops map {map.Name} {otherwise}"),
        };
    }

    /// <summary>The kernel's <c>enum bpf_struct_ops_state</c> of the map (0 init, 1 in use, 2 to be freed, 3 ready), read with a lookup; -1 when unreadable.</summary>
    private static int ReadState(Map map)
    {
        var value = new byte[map.ValueSize];
        Span<byte> zero = stackalloc byte[4];
        zero.Clear();
        try
        {
            return map.TryLookup(zero, value) && value.Length >= StateOffset + 4 ? BitConverter.ToInt32(value, StateOffset) : -1;
        }
        catch (EbpfException)
        {
            return -1;
        }
    }

    /// <summary>A failure of the map, named by it (so a caller that names failures leaves it as it is).</summary>
    private static EbpfException Named(Map map, EbpfException failure) => (EbpfException)FailureSubject.Name(failure, FailureSubject.Of(map));
}
