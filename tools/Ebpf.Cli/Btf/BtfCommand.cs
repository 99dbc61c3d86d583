using System.CommandLine;
using Ebpf.Btf;
using Ebpf.Btf.CFormat;
using Ebpf.Elf;

namespace Ebpf.Cli.Btf;

/// <summary><c>ebpf btf dump FILE [--format raw|c]</c>: the same text as <c>bpftool btf dump file FILE format raw|c</c>.</summary>
public static class BtfCommand
{
    /// <summary>Creates the <c>btf</c> command group.</summary>
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "Raw BTF (e.g. /sys/kernel/btf/vmlinux) or a BPF ELF object with a .BTF section." };
        var format = new Option<string>("--format", "-f") { Description = "raw or c.", DefaultValueFactory = _ => "raw" };
        format.AcceptOnlyFromAmong("raw", "c");
        var baseFile = new Option<FileInfo?>("--base", "-B") { Description = "Base BTF for split BTF (e.g. a kernel module's)." };
        var dump = new Command("dump", "Dump BTF types as bpftool does.") { file, format, baseFile };
        dump.SetAction(result => Dump(result.GetValue(file)!, result.GetValue(format)!, result.GetValue(baseFile), Console.Out));
        return new Command("btf", "Inspect BPF Type Format data.") { dump };
    }

    /// <summary>Writes the dump of <paramref name="file"/> in <paramref name="format"/> to <paramref name="output"/>.</summary>
    /// <returns>The process exit code.</returns>
    public static int Dump(FileInfo file, string format, FileInfo? baseFile, TextWriter output)
    {
        var baseSpec = baseFile == null ? null : Load(baseFile, null);
        var spec = Load(file, baseSpec);
        if (format == "c")
        {
            BtfCWriter.Write(spec, output);
        }
        else
        {
            BtfRawDumper.Dump(spec, output);
        }

        return 0;
    }

    /// <summary>Loads raw BTF, or the .BTF section of an ELF object.</summary>
    public static BtfSpec Load(FileInfo file, BtfSpec? baseSpec)
    {
        byte[] bytes = File.ReadAllBytes(file.FullName);
        if (bytes.Length >= 4 && bytes[0] == 0x7f && bytes[1] == (byte)'E' && bytes[2] == (byte)'L' && bytes[3] == (byte)'F')
        {
            var elf = ElfFile.Parse(bytes);
            var section = elf.FindSection(".BTF") ?? throw new BtfFormatException($"{file.Name} has no .BTF section", 0);
            return BtfSpec.Parse(section.Data, baseSpec);
        }

        return BtfSpec.Parse(bytes, baseSpec);
    }
}
