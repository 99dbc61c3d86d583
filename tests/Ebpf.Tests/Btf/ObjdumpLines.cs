using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Ebpf.Tests.Btf;

/// <summary>The DWARF line of every instruction, as <c>llvm-objdump -d -l</c> prints it.</summary>
public static partial class ObjdumpLines
{
    /// <summary>(section, slot) to (file, line) for one object; ignores the test when llvm-objdump is absent.</summary>
    public static Dictionary<(string Section, int Slot), (string File, int Line)> Read(string obj)
    {
        var objdump = new[] { "/usr/bin/llvm-objdump-14", "/usr/bin/llvm-objdump" }.FirstOrDefault(File.Exists);
        if (objdump is null)
        {
            Assert.Ignore("llvm-objdump is not installed");
        }

        var start = new ProcessStartInfo(objdump!) { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-d", "-l", "--no-show-raw-insn", obj })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero);

        var result = new Dictionary<(string, int), (string, int)>();
        string section = "";
        (string File, int Line)? current = null;
        foreach (var line in output.Split('\n'))
        {
            if (line.StartsWith("Disassembly of section ", StringComparison.Ordinal))
            {
                section = line["Disassembly of section ".Length..].TrimEnd(':');
                current = null;
                continue;
            }

            var source = SourceLine().Match(line);
            if (source.Success)
            {
                current = (source.Groups[1].Value, int.Parse(source.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
                continue;
            }

            var insn = InstructionLine().Match(line);
            if (insn.Success && current is { } c)
            {
                result[(section, int.Parse(insn.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))] = c;
            }
        }

        return result;
    }

    [GeneratedRegex(@"^; (/.*):(\d+)$")]
    private static partial Regex SourceLine();

    [GeneratedRegex(@"^\s+(\d+):\t")]
    private static partial Regex InstructionLine();
}
