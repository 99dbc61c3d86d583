using Ebpf.Asm;
using Ebpf.Btf;
using Ebpf.Btf.Marshaling;
using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// The object's BTF loaded once for a whole <see cref="Collection.Load"/>, as libbpf does: every type keeps its id,
/// so maps take their key and value type ids and programs their <c>FUNC</c> ids from the object's BTF as they are,
/// and the strings of the programs' line info are added to it. Maps and programs whose BTF is another spec, or that
/// need a type the object lacks, build their own as <see cref="Program.Load"/> and <see cref="Map.Create"/> do alone.
/// </summary>
internal sealed class CollectionBtf : IDisposable
{
    private readonly Dictionary<string, uint> _strings;

    private CollectionBtf(BtfSpec source, BpfFileDescriptor fd, Dictionary<string, uint> strings)
    {
        Source = source;
        FileDescriptor = fd;
        _strings = strings;
    }

    /// <summary>The object's BTF, whose ids the loaded BTF keeps.</summary>
    public BtfSpec Source { get; }

    /// <summary>The loaded BTF; owned here, closed by <see cref="Dispose"/> (maps and programs hold their own references in the kernel).</summary>
    public BpfFileDescriptor FileDescriptor { get; }

    /// <summary>
    /// Builds and loads the object's BTF with the kinds the kernel lacks rewritten; null when the object has no BTF,
    /// the kernel lacks BTF or function info (the maps and programs then take their fallbacks one by one), or the
    /// kernel rejects it (they then build their own BTF, with the fallbacks of today's per-object path).
    /// </summary>
    /// <param name="spec">The collection being loaded.</param>
    /// <param name="programs">The programs that will be loaded, whose line-info strings the BTF must hold.</param>
    /// <param name="syscalls">The kernel interface (with the load's token).</param>
    public static unsafe CollectionBtf? TryLoad(CollectionSpec spec, IEnumerable<ProgramSpec> programs, IBpfSyscalls syscalls)
    {
        if (spec.Types is not { } source || source.Base is not null)
        {
            return null;
        }

        var features = Features.For(syscalls);
        if (features.Lacks(BtfFeature.Btf) || features.Lacks(BtfFeature.Func))
        {
            return null;
        }

        var builder = new BtfBuilder();
        builder.AddAll(source);
        var strings = LineStrings(builder, source, programs);
        var sanitizing = features.BtfSanitizing();
        byte[] blob = builder.Marshal(BitConverter.IsLittleEndian ? ByteOrder.LittleEndian : ByteOrder.BigEndian, sanitizing.Any ? sanitizing : null);
        try
        {
            fixed (byte* p = blob)
            {
                var attr = new BtfLoadAttr { Btf = (ulong)p, BtfSize = (uint)blob.Length };
                // A descriptor is what a kernel answers; an interface that answers none (a partial fake) gets the per-map and per-program path.
                return syscalls.BtfLoad(ref attr) is { } fd ? new CollectionBtf(source, fd, strings) : null;
            }
        }
        catch (Exception e) when (e is EbpfException or EbpfNotSupportedException)
        {
            return null; // each map and program tries its own, and reports or fails as it would alone
        }
    }

    /// <summary>The offset of a line-info string in the loaded BTF; null when no program of the load had it.</summary>
    public uint? StringOffset(string value) => _strings.TryGetValue(value, out uint offset) ? offset : null;

    /// <summary>Whether <paramref name="btf"/> is the BTF loaded here (its ids are valid in <see cref="FileDescriptor"/>).</summary>
    public bool Holds(BtfSpec? btf) => ReferenceEquals(btf, Source);

    public void Dispose() => FileDescriptor.Dispose();

    // The file names and source lines of every program's line info, added to the string table.
    private static Dictionary<string, uint> LineStrings(BtfBuilder builder, BtfSpec source, IEnumerable<ProgramSpec> programs)
    {
        var strings = new Dictionary<string, uint>(StringComparer.Ordinal);
        foreach (var program in programs)
        {
            if (!ReferenceEquals(program.Btf, source))
            {
                continue;
            }

            foreach (var insn in program.Instructions)
            {
                if (insn.Metadata?.Source is { } line)
                {
                    Add(line.FileName);
                    Add(line.Text);
                }
            }
        }

        return strings;

        void Add(string value)
        {
            if (!strings.ContainsKey(value))
            {
                strings.Add(value, builder.AddString(value));
            }
        }
    }
}
