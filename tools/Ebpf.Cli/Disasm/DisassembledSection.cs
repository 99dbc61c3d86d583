using Ebpf.Asm;

namespace Ebpf.Cli.Disasm;

/// <summary>The instructions of one executable section of a BPF object, with symbols and references attached.</summary>
/// <param name="Name">Section name, e.g. <c>xdp</c> or <c>.text</c>.</param>
/// <param name="Bytes">The section's bytes as stored in the file.</param>
/// <param name="Instructions">Decoded instructions; function symbols and relocation targets are in their metadata.</param>
/// <param name="Order">Byte order of the object.</param>
public sealed record DisassembledSection(string Name, ReadOnlyMemory<byte> Bytes, Instructions Instructions, ByteOrder Order)
{
    /// <summary>Encodes every instruction again as it was decoded (metadata ignored): equal to <see cref="Bytes"/> for a faithful decoder.</summary>
    public byte[] Reencode()
    {
        var bytes = new byte[Instructions.ByteCount];
        int offset = 0;
        foreach (var insn in Instructions.AsSpan())
        {
            offset += insn.Encode(bytes.AsSpan(offset), Order);
        }

        return bytes;
    }
}
