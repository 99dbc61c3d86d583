using System.Runtime.InteropServices;
using Ebpf.Asm;
using Ebpf.Btf;
using Ebpf.Btf.Marshaling;

namespace Ebpf.Kernel;

/// <summary>
/// The BTF a program is loaded with: its functions' <c>FUNC</c> types (copied from the object's BTF with what they
/// refer to) and the strings of its line info, with the <c>bpf_func_info</c> and <c>bpf_line_info</c> arrays that
/// point into it.
/// </summary>
internal sealed class ProgramBtf
{
    /// <summary>
    /// The rewrites tried when the kernel rejects the BTF as built: every kind newer than Linux 5.2 (floats, tags,
    /// enum64, <c>?</c> section names, function linkage) replaced, while functions and data sections, which function
    /// info and global data need, stay.
    /// </summary>
    public static BtfMarshalOptions CompatibleMarshal { get; } = BtfMarshalOptions.Oldest with { ReplaceFunctions = false, ReplaceDataSections = false };

    /// <summary>Size of <c>struct bpf_func_info</c>.</summary>
    public const int FuncInfoSize = 8;

    /// <summary>Size of <c>struct bpf_line_info</c>.</summary>
    public const int LineInfoSize = 16;

    private ProgramBtf(byte[] blob, FuncRecord[] funcs, LineRecord[] lines)
    {
        Blob = blob;
        FuncInfos = funcs;
        LineInfos = lines;
    }

    /// <summary>The raw BTF, in host byte order; empty when the program goes with its collection's BTF.</summary>
    public byte[] Blob { get; }

    /// <summary>One record per function, by instruction slot.</summary>
    public FuncRecord[] FuncInfos { get; }

    /// <summary>Line records by instruction slot; empty when some function start has none (the kernel requires one).</summary>
    public LineRecord[] LineInfos { get; }

    /// <summary>
    /// Builds the program BTF, or returns null when the spec has no BTF or a function has no <c>FUNC</c> in it.
    /// </summary>
    /// <param name="instructions">The program's instructions with calls resolved.</param>
    /// <param name="btf">The object's BTF.</param>
    /// <param name="marshal">Rewrites for kernels that lack newer BTF kinds; null for none.</param>
    public static ProgramBtf? Build(Instructions instructions, BtfSpec btf, BtfMarshalOptions? marshal = null)
    {
        var builder = new BtfBuilder();
        if (Records(instructions, btf, id => builder.Add(btf, id), value => builder.AddString(value)) is not var (funcs, lines))
        {
            return null;
        }

        return new ProgramBtf(builder.Marshal(BitConverter.IsLittleEndian ? ByteOrder.LittleEndian : ByteOrder.BigEndian, marshal), funcs, lines);
    }

    /// <summary>
    /// The function and line records of a program over the collection's loaded BTF (no blob of its own: the program
    /// goes with <see cref="CollectionBtf.FileDescriptor"/>); null when a function has no <c>FUNC</c> or a line's
    /// string is not in it.
    /// </summary>
    /// <param name="instructions">The program's instructions with calls resolved.</param>
    /// <param name="shared">The collection's BTF; the program's spec must have its <see cref="CollectionBtf.Source"/>.</param>
    public static ProgramBtf? Build(Instructions instructions, CollectionBtf shared) =>
        Records(instructions, shared.Source, id => id, shared.StringOffset) is var (funcs, lines) ? new ProgramBtf([], funcs, lines) : null;

    // The records, with type ids and string offsets from the given functions; null when a function has no FUNC or a
    // string has no offset.
    private static (FuncRecord[] Funcs, LineRecord[] Lines)? Records(
        Instructions instructions, BtfSpec btf, Func<uint, uint> typeId, Func<string, uint?> stringOffset)
    {
        var starts = FunctionStarts(instructions);
        var funcs = new List<FuncRecord>(starts.Count);
        var lines = new List<LineRecord>(CountSourceLines(instructions));
        int slot = 0;
        int startsWithLine = 0;
        foreach (var insn in instructions)
        {
            bool start = starts.Contains(slot);
            if (start)
            {
                if (insn.Symbol is not { } name || FirstFunc(btf, name) is not uint id)
                {
                    return null;
                }

                funcs.Add(new FuncRecord((uint)slot, typeId(id)));
            }

            if (insn.Metadata?.Source is { } source)
            {
                if (stringOffset(source.FileName) is not uint file || stringOffset(source.Text) is not uint text)
                {
                    return null;
                }

                uint lineCol = ((uint)Math.Clamp(source.Line, 0, (1 << 22) - 1) << 10) | (uint)Math.Clamp(source.Column, 0, 1023);
                lines.Add(new LineRecord((uint)slot, file, text, lineCol));
                startsWithLine += start ? 1 : 0;
            }

            slot += insn.Slots;
        }

        if (startsWithLine != starts.Count) // the kernel wants a line record at every function start
        {
            lines.Clear();
        }

        return ([.. funcs], [.. lines]);
    }

    private static int CountSourceLines(Instructions instructions)
    {
        int count = 0;
        foreach (var insn in instructions)
        {
            count += insn.Metadata?.Source is null ? 0 : 1;
        }

        return count;
    }

    /// <summary>Slot offsets where functions start: 0 and the targets of BPF-to-BPF calls and function pointers.</summary>
    private static SortedSet<int> FunctionStarts(Instructions instructions)
    {
        var starts = new SortedSet<int> { 0 };
        int slot = 0;
        foreach (var insn in instructions)
        {
            if (insn.IsFunctionCall || insn.IsLoadOfFunctionPointer)
            {
                starts.Add(slot + 1 + insn.Immediate);
            }

            slot += insn.Slots;
        }

        return starts;
    }

    // A static function that shares its name with another function of the program is named name@section+0xOFFSET
    // (ProgramSpec); its FUNC is the name's.
    private static uint? FirstFunc(BtfSpec btf, string name)
    {
        int at = name.IndexOf('@', StringComparison.Ordinal);
        var ids = btf.FindIds(at > 0 ? name[..at] : name, BtfKind.Func);
        return ids.Count > 0 ? ids[0] : null;
    }

    /// <summary><c>struct bpf_func_info</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public readonly record struct FuncRecord(uint InstructionOffset, uint TypeId);

    /// <summary><c>struct bpf_line_info</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public readonly record struct LineRecord(uint InstructionOffset, uint FileNameOffset, uint LineOffset, uint LineColumn);
}
