namespace Ebpf.Btf.CFormat;

/// <summary>
/// Writes BTF as a compilable C header, the way <c>bpftool btf dump file FILE format c</c> (bpftool 7.1, libbpf 1.1)
/// writes <c>vmlinux.h</c>: an include guard, the <c>preserve_access_index</c> pragma and every type, ordered so
/// each is declared before use, with forward declarations where a pointer allows one.
/// </summary>
public static class BtfCWriter
{
    private const string NoPreserveAccessIndex = "#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n";

    /// <summary>Writes the header for a BTF.</summary>
    /// <param name="spec">The BTF; for split BTF the base's types are written too.</param>
    /// <param name="output">Where the text goes.</param>
    /// <param name="options">Settings, or null for <see cref="BtfCWriterOptions.Default"/>.</param>
    /// <exception cref="BtfFormatException">The types cannot be written as C, e.g. an anonymous struct contains itself.</exception>
    public static void Write(BtfSpec spec, TextWriter output, BtfCWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(output);
        options ??= BtfCWriterOptions.Default;

        output.Write($"#ifndef {options.HeaderGuard}\n#define {options.HeaderGuard}\n\n");
        if (options.PreserveAccessIndex)
        {
            output.Write(NoPreserveAccessIndex);
            output.Write("#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n#endif\n\n");
        }

        var dumper = new BtfCDumper(spec, output, options);
        if (options.TypeIds is { } ids)
        {
            foreach (uint id in ids)
            {
                dumper.DumpType(id);
            }
        }
        else
        {
            for (uint id = 1; id <= spec.LastTypeId; id++)
            {
                dumper.DumpType(id);
            }
        }

        if (options.PreserveAccessIndex)
        {
            output.Write(NoPreserveAccessIndex);
            output.Write("#pragma clang attribute pop\n#endif\n\n");
        }

        output.Write($"#endif /* {options.HeaderGuard} */\n");
    }

    /// <summary>The header for a BTF, as a string.</summary>
    /// <param name="spec">The BTF.</param>
    /// <param name="options">Settings, or null for <see cref="BtfCWriterOptions.Default"/>.</param>
    /// <returns>The C text.</returns>
    /// <exception cref="BtfFormatException">The types cannot be written as C.</exception>
    public static string ToHeader(BtfSpec spec, BtfCWriterOptions? options = null)
    {
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        Write(spec, text, options);
        return text.ToString();
    }
}
