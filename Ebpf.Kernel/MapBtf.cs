using Ebpf.Asm;
using Ebpf.Btf;
using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// The BTF of a map's key and value: copies the two types (and what they refer to) out of the object's BTF with
/// <see cref="BtfBuilder"/>, marshals them in host byte order and loads them with <c>BPF_BTF_LOAD</c>.
/// </summary>
internal static class MapBtf
{
    /// <summary>
    /// Loads the key and value types of <paramref name="spec"/>; null when the spec has no BTF or the kernel rejects
    /// it (BTF only describes the map, so the map is created without it).
    /// </summary>
    public static unsafe BpfFileDescriptor? TryLoad(IBpfSyscalls syscalls, MapSpec spec, out uint keyTypeId, out uint valueTypeId)
    {
        keyTypeId = 0;
        valueTypeId = 0;
        if (spec.Btf is not { } source || (spec.Key is null && spec.Value is null))
        {
            return null;
        }

        var builder = new BtfBuilder();
        uint key = spec.Key is { } k ? builder.Add(source, k.Id) : 0;
        uint value = spec.Value is { } v ? builder.Add(source, v.Id) : 0;
        byte[] blob = builder.Marshal(BitConverter.IsLittleEndian ? ByteOrder.LittleEndian : ByteOrder.BigEndian);
        try
        {
            fixed (byte* p = blob)
            {
                var attr = new BtfLoadAttr { Btf = (ulong)p, BtfSize = (uint)blob.Length };
                var fd = syscalls.BtfLoad(ref attr);
                keyTypeId = key;
                valueTypeId = value;
                return fd;
            }
        }
        catch (EbpfException)
        {
            return null;
        }
        catch (EbpfNotSupportedException)
        {
            return null;
        }
    }
}
