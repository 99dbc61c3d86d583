using Ebpf.Asm;
using Ebpf.Btf;
using Ebpf.Kernel.Interop;
using Ebpf.Btf.Marshaling;

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
    /// <exception cref="EbpfNotSupportedException">The kernel rejected the BTF and <paramref name="fallbacks"/> allows no fallback.</exception>
    public static unsafe BpfFileDescriptor? TryLoad(IBpfSyscalls syscalls, MapSpec spec, FeatureFallbacks fallbacks, out uint keyTypeId, out uint valueTypeId)
    {
        keyTypeId = 0;
        valueTypeId = 0;
        if (spec.Btf is not { } source || (spec.Key is null && spec.Value is null) || !TakesBtf(spec.Type))
        {
            return null;
        }

        var builder = new BtfBuilder();
        uint key = spec.Key switch
        {
            { } k => builder.Add(source, k.Id),

            // A key given by size only: describe it as an unsigned int of that size (arrays insist on a 32-bit int)
            // or as bytes, so the kernel, which checks the key's size, keeps the BTF.
            null when spec.KeySize is 1 or 2 or 4 or 8 or 16 && spec.Value is not null and not BtfDataSec =>
                builder.AddInt(spec.KeySize == 4 ? "unsigned int" : $"__u{spec.KeySize * 8}", spec.KeySize),
            null when spec.KeySize > 0 && spec.Value is not null and not BtfDataSec =>
                builder.AddArray(builder.AddInt("unsigned char", 1), builder.AddInt("unsigned int", 4), spec.KeySize),
            _ => 0,
        };
        uint value = spec.Value switch
        {
            null => 0,
            BtfDataSec section when section.Size != spec.ValueSize => AddSizedDataSec(builder, source, section, spec.ValueSize),
            { } v => builder.Add(source, v.Id),
        };
        var order = BitConverter.IsLittleEndian ? ByteOrder.LittleEndian : ByteOrder.BigEndian;
        var sanitizing = Features.For(syscalls).BtfSanitizing(); // the kinds the kernel lacks, rewritten
        if (TryLoadBlob(syscalls, builder.Marshal(order, sanitizing), out var rejection) is not { } fd)
        {
            // The probes missed something: try again with every kind of Linux 4.18, then go on without BTF.
            fd = TryLoadBlob(syscalls, builder.Marshal(order, BtfMarshalOptions.Oldest), out _);
            if (fd is null)
            {
                fallbacks.Take("map key/value BTF", "4.18", $"map '{spec.Name}'", rejection!);
                return null;
            }

            fallbacks.Report?.Invoke($"map '{spec.Name}': the kernel rejected the BTF as built ({rejection!.Message}); sent it with the kinds of Linux 4.18");
        }

        keyTypeId = key;
        valueTypeId = value;
        return fd;
    }

    /// <summary>
    /// The key and value type ids of <paramref name="spec"/> in the collection's loaded BTF, as libbpf gives them:
    /// false when the map takes no BTF, its BTF is another spec, or it needs a type the object lacks (a key given by
    /// size only, a data section of another size than the value), which <see cref="TryLoad"/> builds.
    /// </summary>
    public static bool TryShared(CollectionBtf shared, MapSpec spec, out uint keyTypeId, out uint valueTypeId)
    {
        keyTypeId = spec.Key?.Id ?? 0;
        valueTypeId = spec.Value?.Id ?? 0;
        return shared.Holds(spec.Btf) && (spec.Key is not null || spec.Value is not null) && TakesBtf(spec.Type)
            && (spec.Key is not null || spec.KeySize == 0 || spec.Value is null or BtfDataSec)
            && !(spec.Value is BtfDataSec section && section.Size != spec.ValueSize);
    }

    private static unsafe BpfFileDescriptor? TryLoadBlob(IBpfSyscalls syscalls, byte[] blob, out Exception? rejection)
    {
        rejection = null;
        try
        {
            fixed (byte* p = blob)
            {
                var attr = new BtfLoadAttr { Btf = (ulong)p, BtfSize = (uint)blob.Length };
                return syscalls.BtfLoad(ref attr);
            }
        }
        catch (EbpfException e)
        {
            rejection = e;
            return null;
        }
        catch (EbpfNotSupportedException e)
        {
            rejection = e;
            return null;
        }
    }

    /// <summary>
    /// Loads the value type of a struct_ops map: the kernel takes the map's value layout from vmlinux, but insists on
    /// a valid <c>btf_fd</c> all the same (the object must have BTF for struct_ops).
    /// </summary>
    /// <exception cref="EbpfException">The spec has no BTF or the kernel rejected it.</exception>
    public static unsafe BpfFileDescriptor LoadStructOpsValue(IBpfSyscalls syscalls, MapSpec spec)
    {
        if (spec.Btf is not { } source || spec.Value is null)
        {
            throw new EbpfException("a struct_ops map needs BTF for its value type, and it has none");
        }

        var builder = new BtfBuilder();
        builder.Add(source, spec.Value.Id);
        // The kinds this kernel lacks (a type tag in a member, say) rewritten, as for every other map's BTF.
        byte[] blob = builder.Marshal(BitConverter.IsLittleEndian ? ByteOrder.LittleEndian : ByteOrder.BigEndian, Features.For(syscalls).BtfSanitizing());
        fixed (byte* p = blob)
        {
            var attr = new BtfLoadAttr { Btf = (ulong)p, BtfSize = (uint)blob.Length };
            return syscalls.BtfLoad(ref attr);
        }
    }

    /// <summary>
    /// A copy of a data section with the map's value size: an object's BTF leaves <c>DATASEC</c> sizes 0 (the linker
    /// knows them), and the kernel rejects a size that differs from the value's.
    /// </summary>
    private static uint AddSizedDataSec(BtfBuilder builder, BtfSpec source, BtfDataSec section, uint size)
    {
        var variables = new BtfVarSecInfo[section.Variables.Count];
        for (int i = 0; i < variables.Length; i++)
        {
            var variable = section.Variables[i];
            variables[i] = variable with { TypeId = builder.Add(source, variable.TypeId) };
        }

        return builder.Add(new BtfDataSec(0, section.Name, size, variables));
    }

    /// <summary>
    /// Whether the kernel checks key and value BTF for <paramref name="type"/>. Maps of descriptors, queues, stacks
    /// and arenas reject it (their values are not what the object's BTF describes), so libbpf leaves it out for them.
    /// </summary>
    private static bool TakesBtf(BpfMapType type) => type is not (BpfMapType.PerfEventArray or BpfMapType.CgroupArray
        or BpfMapType.StackTrace or BpfMapType.ArrayOfMaps or BpfMapType.HashOfMaps or BpfMapType.Devmap
        or BpfMapType.DevmapHash or BpfMapType.Cpumap or BpfMapType.Xskmap or BpfMapType.Sockmap
        or BpfMapType.Sockhash or BpfMapType.Queue or BpfMapType.Stack or BpfMapType.Arena or BpfMapType.StructOps);
}
