namespace Ebpf.Asm;

public sealed partial class Instructions
{
    /// <summary>Encodes every instruction, resolving label references on the way (the list itself is not changed).</summary>
    /// <returns>Exactly <see cref="ByteCount"/> bytes.</returns>
    /// <exception cref="InstructionReferenceException">A reference does not resolve; see <see cref="ResolveReferences"/>.</exception>
    /// <exception cref="InstructionFormatException">An instruction cannot be encoded.</exception>
    public byte[] Encode(ByteOrder order)
    {
        var bytes = new byte[ByteCount];
        Encode(bytes, order);
        return bytes;
    }

    /// <summary>Encodes every instruction into <paramref name="destination"/>, resolving label references on the way.</summary>
    /// <returns>The number of bytes written, <see cref="ByteCount"/>.</returns>
    /// <exception cref="InstructionReferenceException">A reference does not resolve; see <see cref="ResolveReferences"/>.</exception>
    /// <exception cref="InstructionFormatException">The destination is too small or an instruction cannot be encoded.</exception>
    public int Encode(Span<byte> destination, ByteOrder order)
    {
        int size = ByteCount;
        if (destination.Length < size)
        {
            throw new InstructionFormatException($"destination holds {destination.Length} bytes, the instructions need {size}");
        }

        Dictionary<string, int>? symbols = null;
        int position = 0;
        foreach (Instruction insn in AsSpan())
        {
            Instruction encoded = insn;
            if (NeedsResolution(insn))
            {
                symbols ??= BuildSymbolTable();
                encoded = Resolve(insn, position / Instruction.SlotSize, symbols);
            }

            try
            {
                position += encoded.Encode(destination.Slice(position), order);
            }
            catch (InstructionFormatException e) when (e.Offset < 0)
            {
                throw new InstructionFormatException(e.Message, position);
            }
        }

        return position;
    }

    /// <summary>
    /// Decodes a whole instruction stream, such as the bytes of a program section. The result has no metadata:
    /// symbols and references come from the ELF layer.
    /// </summary>
    /// <exception cref="InstructionFormatException">The length is not a multiple of 8, or an <c>lddw</c> is truncated or malformed.</exception>
    public static Instructions Decode(ReadOnlySpan<byte> bytes, ByteOrder order)
    {
        int rest = bytes.Length % Instruction.SlotSize;
        if (rest != 0)
        {
            throw new InstructionFormatException($"length {bytes.Length} is not a multiple of {Instruction.SlotSize}", bytes.Length - rest);
        }

        var result = new Instructions(bytes.Length / Instruction.SlotSize);
        int position = 0;
        while (position < bytes.Length)
        {
            if (!Instruction.TryDecode(bytes.Slice(position), order, out Instruction insn, out int consumed, out string? error))
            {
                throw new InstructionFormatException(error!, position);
            }

            result._items.Add(insn);
            position += consumed;
        }

        return result;
    }
}
