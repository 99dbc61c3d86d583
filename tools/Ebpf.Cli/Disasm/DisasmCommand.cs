using System.CommandLine;
using Ebpf.Asm;
using Ebpf.Elf;

namespace Ebpf.Cli.Disasm;

/// <summary><c>ebpf disasm FILE.o [--section NAME]</c>: prints programs in the kernel verifier's syntax.</summary>
public static class DisasmCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "A BPF ELF object (.o), either byte order." };
        var section = new Option<string?>("--section", "-s") { Description = "Only this section, e.g. xdp or .text." };
        var raw = new Option<bool>("--raw") { Description = "Also print each instruction's bytes." };
        var command = new Command("disasm", "Disassemble the executable sections of a BPF object.") { file, section, raw };
        command.SetAction(result => Run(result.GetValue(file)!, result.GetValue(section), result.GetValue(raw), Console.Out));
        return command;
    }

    /// <summary>Writes the listing of <paramref name="file"/> to <paramref name="output"/>.</summary>
    /// <returns>The process exit code.</returns>
    public static int Run(FileInfo file, string? section, bool raw, TextWriter output)
    {
        using var elf = ElfFile.Open(file.FullName);
        Write(elf, section, raw, output);
        return 0;
    }

    /// <summary>Writes the listing of every executable section (or one) of <paramref name="elf"/>.</summary>
    public static void Write(ElfFile elf, string? section, bool raw, TextWriter output)
    {
        bool first = true;
        foreach (var disassembled in ObjectDisassembler.Disassemble(elf, section))
        {
            if (!first)
            {
                output.WriteLine();
            }

            first = false;
            output.WriteLine($"Disassembly of section {disassembled.Name}:");
            InstructionListing.Write(output, disassembled.Instructions.AsSpan(), new InstructionListingOptions
            {
                Namer = ReferenceInstructionNamer.Instance,
                Symbols = true,
                RawBytes = raw,
                RawByteOrder = disassembled.Order,
            });
        }
    }
}
