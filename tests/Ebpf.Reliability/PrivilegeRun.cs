using System.Diagnostics;

namespace Ebpf.Reliability;

/// <summary>
/// Runs <c>ebpf-reliability privilege-child</c> (<see cref="UnprivilegedChecks"/>) with every capability dropped
/// and as user nobody, through <c>setpriv</c> or else <c>capsh</c>; nothing is installed.
/// </summary>
public static class PrivilegeRun
{
    /// <summary>The tool that drops privileges (<c>setpriv</c> preferred, then <c>capsh</c>), or null when neither is installed.</summary>
    public static string? FindTool() =>
        new[] { "setpriv", "capsh" }.Select(Which).FirstOrDefault(p => p is not null);

    /// <summary>Runs the child and waits for it (at most two minutes).</summary>
    /// <exception cref="InvalidOperationException">Neither setpriv nor capsh is installed, or the child hung.</exception>
    public static PrivilegeResult Run()
    {
        string tool = FindTool() ?? throw new InvalidOperationException("neither setpriv nor capsh is installed");
        var child = ChildCommand();
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileName(tool) == "setpriv")
        {
            foreach (var a in new[] { "--inh-caps=-all", "--ambient-caps=-all", "--bounding-set=-all", "--reuid=65534", "--regid=65534", "--clear-groups", "--" })
            {
                info.ArgumentList.Add(a);
            }

            foreach (var a in child)
            {
                info.ArgumentList.Add(a);
            }
        }
        else
        {
            info.ArgumentList.Add("--drop=all");
            info.ArgumentList.Add("--user=nobody");
            info.ArgumentList.Add("--");
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(string.Join(' ', child.Select(a => $"'{a}'")));
        }

        string command = $"{tool} {string.Join(' ', info.ArgumentList)}";
        var before = KernelObjectCounts.Read();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{tool} did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill();
            throw new InvalidOperationException($"{command} hung");
        }

        output += stderr.Result;
        return new PrivilegeResult(command, process.ExitCode, output.TrimEnd(), before, KernelObjectCounts.ReadSettled(before, TimeSpan.FromSeconds(5)));
    }

    /// <summary>The apphost next to this assembly when there is one, else <c>dotnet ebpf-reliability.dll</c>.</summary>
    private static string[] ChildCommand()
    {
        string dll = typeof(PrivilegeRun).Assembly.Location;
        string apphost = Path.ChangeExtension(dll, null);
        if (File.Exists(apphost))
        {
            return [apphost, "privilege-child"];
        }

        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? Which("dotnet") ?? "dotnet";
        return [dotnet, dll, "privilege-child"];
    }

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':')
            .Append("/usr/sbin").Append("/sbin")
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
}
