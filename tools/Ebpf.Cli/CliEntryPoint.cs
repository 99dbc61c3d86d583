using System.CommandLine;
using Ebpf.Cli.Btf;
using Ebpf.Cli.Disasm;
using Ebpf.Cli.Feature;
using Ebpf.Cli.Gen;
using Ebpf.Cli.Inspect;
using Ebpf.Cli.Load;
using Ebpf.Cli.Maps;
using Ebpf.Cli.Net;
using Ebpf.Cli.Prog;
using Ebpf.Cli.Usdt;

namespace Ebpf.Cli;

/// <summary>
/// The <c>ebpf</c> command's entry point. A user error (bad arguments, a missing or unreadable file, a kernel refusal)
/// is one line on standard error and exit code 1, never a stack trace; <c>--help</c> prints the usage.
/// </summary>
internal static class CliEntryPoint
{
    /// <summary>Runs the command line <paramref name="args"/>; returns the exit code.</summary>
    public static int Main(string[] args)
    {
        if (!Console.IsOutputRedirected)
        {
            return Run(args, Console.Out, Console.Error);
        }

        // Into a file or a pipe, standard output is written in 64 KiB blocks, as C's stdio does: Console.Out writes
        // each line with its own system call (tens of thousands for `ebpf btf dump` of a large object).
        using var stdout = new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false), 1 << 16) { AutoFlush = false };
        Console.SetOut(stdout);
        try
        {
            return Run(args, Console.Out, Console.Error);
        }
        finally
        {
            Console.Out.Flush();
        }
    }

    /// <summary>Runs <paramref name="args"/> with the parse and invocation errors written to <paramref name="error"/>.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("ebpf: inspect, disassemble and load eBPF objects.")
        {
            DisasmCommand.Create(),
            BtfCommand.Create(),
            FeatureCommand.Create(),
            GenCommand.Create(),
            InspectCommand.Create(),
            LoadCommand.Create(),
            MapCommand.Create(),
            NetCommand.Create(),
            ProgCommand.Create(),
            UsdtCommand.Create(),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            string command = string.Join(' ', CommandPath(parse.CommandResult));
            var messages = parse.Errors.Select(e => string.Join(' ', e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))).ToList();
            if (messages.Count > 1)
            {
                messages.Remove("Required command was not provided."); // the unrecognized word says more
            }

            error.WriteLine($"ebpf: {string.Join("; ", messages)} (see '{command} --help')");
            return 1;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = output, Error = error });
        }
#pragma warning disable CA1031 // the command line reports every failure as one line, never as a stack trace
        catch (Exception e)
#pragma warning restore CA1031
        {
            error.WriteLine($"ebpf: {OneLine(Describe(e))}");
            return 1;
        }
    }

    private static IEnumerable<string> CommandPath(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new Stack<string>();
        for (var current = result; current is not null; current = current.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Push(current.Parent is null ? "ebpf" : current.Command.Name);
        }

        return names;
    }

    private static string Describe(Exception e) => e switch
    {
        FileNotFoundException { FileName: { } file } => $"{file}: no such file",
        AggregateException { InnerExceptions.Count: 1 } aggregate => Describe(aggregate.InnerExceptions[0]),
        ArgumentException { ParamName: { } name } argument => argument.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal),
        IOException or UnauthorizedAccessException or ArgumentException => e.Message,
        _ when e.GetType().Namespace?.StartsWith("Ebpf", StringComparison.Ordinal) == true => e.Message,
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    private static string OneLine(string message)
    {
        int end = message.IndexOfAny(['\r', '\n']);
        return (end < 0 ? message : message[..end]).TrimEnd();
    }
}
