using Ebpf.Asm;
using Ebpf.Btf;

namespace Ebpf.Specs;

/// <summary>
/// The maps, programs and variables of a BPF object, before anything is loaded. Read one with
/// <see cref="Load(string)"/>; building and changing a spec needs no privileges.
/// </summary>
public sealed partial class CollectionSpec
{
    /// <summary>Creates an empty spec.</summary>
    public CollectionSpec()
    {
    }

    /// <summary>Maps by name.</summary>
    public Dictionary<string, MapSpec> Maps { get; } = new(StringComparer.Ordinal);

    /// <summary>Programs by name.</summary>
    public Dictionary<string, ProgramSpec> Programs { get; } = new(StringComparer.Ordinal);

    /// <summary>Global variables by name.</summary>
    public Dictionary<string, VariableSpec> Variables { get; } = new(StringComparer.Ordinal);

    /// <summary>The object's BTF, or null when it has none.</summary>
    public BtfSpec? Types { get; set; }

    /// <summary>
    /// The object's name as libbpf takes it, the file name up to its first dot (<c>probe</c> for <c>probe.bpfel.o</c>):
    /// set by <see cref="Load(string)"/> and by generated classes, null for objects read from streams or memory. The
    /// kernel names global data maps with its first 8 characters, as libbpf does (<c>probe.rodata</c>).
    /// </summary>
    public string? ObjectName { get; set; }

    /// <summary>The object's byte order.</summary>
    public ByteOrder ByteOrder { get; set; } = ByteOrder.LittleEndian;

    /// <summary>
    /// A deep copy: changing its variables or map contents leaves this spec alone. Instructions are copied;
    /// BTF is shared (it is immutable).
    /// </summary>
    public CollectionSpec Copy()
    {
        var copy = new CollectionSpec { Types = Types, ByteOrder = ByteOrder, ObjectName = ObjectName };
        var buffers = new Dictionary<string, Memory<byte>>(StringComparer.Ordinal);
        foreach (var (name, map) in Maps)
        {
            var contents = new MapEntry[map.Contents.Count];
            for (int i = 0; i < contents.Length; i++)
            {
                var entry = map.Contents[i];
                // An untouched zero-filled value (.bss) stays unallocated in the copy.
                Memory<byte> value = ZeroFilledMemory.IsUntouched(entry.Value) ? new ZeroFilledMemory(entry.Value.Length).Memory : entry.Value.ToArray();
                if (i == 0 && map.IsGlobalData)
                {
                    buffers[name] = value;
                }

                contents[i] = entry with { Key = entry.Key.ToArray(), Value = value };
            }

            copy.Maps[name] = map with { Contents = contents };
            if (!map.ArenaData.IsEmpty)
            {
                var arena = map.ArenaData.ToArray();
                buffers[name] = arena;
                copy.Maps[name] = copy.Maps[name] with { ArenaData = arena };
            }
        }

        foreach (var (name, program) in Programs)
        {
            copy.Programs[name] = program with { Instructions = new Instructions(program.Instructions) };
        }

        foreach (var (name, variable) in Variables)
        {
            copy.Variables[name] = buffers.TryGetValue(variable.MapName, out var data) ? variable.WithData(data) : variable;
        }

        return copy;
    }
}
