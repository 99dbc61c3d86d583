namespace Ebpf.Asm;

/// <summary>
/// Prints a program the way <c>bpftool prog dump xlated</c> does: one <c>% 4d: (xx) text</c> line per
/// instruction, numbered by 8-byte slot (so the line after an <c>lddw</c> skips a number), optionally
/// preceded by function labels and <c>; source</c> lines and followed by the encoded bytes.
/// </summary>
public static class InstructionListing
{
    /// <summary>Writes the listing of <paramref name="program"/> to <paramref name="writer"/>; every line ends with <c>\n</c>.</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="program">The instructions, in order.</param>
    /// <param name="options">What to print; null for <see cref="InstructionListingOptions.Default"/>.</param>
    public static void Write(TextWriter writer, ReadOnlySpan<Instruction> program, InstructionListingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var state = new ListingState(options ?? InstructionListingOptions.Default);
        var buffer = new TextBuffer(stackalloc char[256]);
        try
        {
            foreach (ref readonly Instruction instruction in program)
            {
                state.WriteLine(writer, ref buffer, instruction);
            }
        }
        finally
        {
            buffer.Dispose();
        }
    }

    /// <summary>Writes the listing of <paramref name="program"/> to <paramref name="writer"/>; every line ends with <c>\n</c>.</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="program">The instructions, in order.</param>
    /// <param name="options">What to print; null for <see cref="InstructionListingOptions.Default"/>.</param>
    public static void Write(TextWriter writer, IEnumerable<Instruction> program, InstructionListingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(program);
        var state = new ListingState(options ?? InstructionListingOptions.Default);
        var buffer = new TextBuffer(stackalloc char[256]);
        try
        {
            foreach (Instruction instruction in program)
            {
                state.WriteLine(writer, ref buffer, instruction);
            }
        }
        finally
        {
            buffer.Dispose();
        }
    }

    /// <summary>Returns the listing of <paramref name="program"/> as one string of <c>\n</c>-terminated lines.</summary>
    /// <param name="program">The instructions, in order.</param>
    /// <param name="options">What to print; null for <see cref="InstructionListingOptions.Default"/>.</param>
    public static string Format(ReadOnlySpan<Instruction> program, InstructionListingOptions? options = null)
    {
        using var writer = new StringWriter();
        Write(writer, program, options);
        return writer.ToString();
    }

    /// <summary>Returns the listing of <paramref name="program"/> as one string of <c>\n</c>-terminated lines.</summary>
    /// <param name="program">The instructions, in order.</param>
    /// <param name="options">What to print; null for <see cref="InstructionListingOptions.Default"/>.</param>
    public static string Format(IEnumerable<Instruction> program, InstructionListingOptions? options = null)
    {
        using var writer = new StringWriter();
        Write(writer, program, options);
        return writer.ToString();
    }

    /// <summary>Writes bpftool's line number, <c>printf("% 4d: ")</c>: a space in place of a plus sign, right-aligned in four columns.</summary>
    internal static void AppendLineNumber(ref TextBuffer buffer, int slot)
    {
        int digits = slot < 0 ? 0 : CountDigits(slot);
        int signed = slot < 0 ? CountDigits(-(long)slot) + 1 : digits + 1;
        for (int i = signed; i < 4; i++)
        {
            buffer.Append(' ');
        }

        if (slot >= 0)
        {
            buffer.Append(' ');
        }

        buffer.AppendDecimal(slot);
        buffer.Append(": ");
    }

    private static int CountDigits(long value)
    {
        int count = 1;
        while (value >= 10)
        {
            value /= 10;
            count++;
        }

        return count;
    }

    /// <summary>What one listing carries from line to line: the slot number and the last source line printed.</summary>
    private struct ListingState(InstructionListingOptions options)
    {
        private readonly InstructionListingOptions _options = options;
        private int _slot;
        private SourceLine? _lastSource;

        public void WriteLine(TextWriter writer, ref TextBuffer buffer, in Instruction instruction)
        {
            buffer.Clear();
            if (_options.Symbols)
            {
                string? label = _options.SymbolLabel?.Invoke(instruction) ?? instruction.Symbol;
                if (!string.IsNullOrEmpty(label))
                {
                    buffer.Append(label);
                    buffer.Append(":\n");
                }
            }

            SourceLine? source = instruction.Metadata?.Source;
            if (_options.SourceLines && source != null && !ReferenceEquals(source, _lastSource))
            {
                _lastSource = source;
                AppendSource(ref buffer, source, _options.LineNumbers);
            }

            AppendLineNumber(ref buffer, _slot);
            InstructionFormatter.Write(ref buffer, instruction, _options.Opcodes, _options.Namer);
            buffer.Append('\n');
            if (_options.RawBytes)
            {
                AppendRawBytes(ref buffer, instruction, _options.RawByteOrder);
            }

            writer.Write(buffer.Written);
            _slot += instruction.Slots;
        }

        /// <summary>bpftool's <c>opcodes</c> line: seven spaces and the encoded bytes, <c>%02x</c> each, separated by spaces.</summary>
        private static void AppendRawBytes(ref TextBuffer buffer, in Instruction instruction, ByteOrder order)
        {
            Span<byte> bytes = stackalloc byte[2 * Instruction.SlotSize];
            int length = instruction.Encode(bytes, order);
            buffer.Append("      ");
            for (int i = 0; i < length; i++)
            {
                buffer.Append(' ');
                buffer.AppendHexByte(bytes[i]);
            }

            buffer.Append('\n');
        }

        /// <summary>bpftool's <c>btf_dump_linfo_plain</c>: nothing for an empty line, else <c>; </c> and the text without leading blanks.</summary>
        private static void AppendSource(ref TextBuffer buffer, SourceLine source, bool lineNumbers)
        {
            if (source.Text.Length == 0)
            {
                return;
            }

            buffer.Append("; ");
            buffer.Append(source.Text.AsSpan().TrimStart());
            if (lineNumbers)
            {
                buffer.Append(" [file:");
                buffer.Append(source.FileName);
                buffer.Append(" line_num:");
                buffer.AppendDecimal((uint)source.Line);
                buffer.Append(" line_col:");
                buffer.AppendDecimal((uint)source.Column);
                buffer.Append(']');
            }

            buffer.Append('\n');
        }
    }
}
