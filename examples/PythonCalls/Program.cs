// Counts Python function calls by name through the function__entry USDT probe of Debian's python3.11, as bcc's
// `ucalls -l python` does; the probe is attached from its section (usdt//usr/bin/python3.11:python:function__entry).
// Runs SCRIPT under python3.11 and counts its calls, or watches one process (--pid) or every python3.11 process,
// then prints the most called functions.
//
//   sudo dotnet run --project examples/PythonCalls -c Release -- [--pid PID] [--duration SECONDS] [--top N] [SCRIPT [ARGS...]]
//
// Python 3.11 fires function__entry only on its tracing path, while a trace or profile function is set: a script run
// by this example gets a no-op sys.setprofile first; a process watched with --pid has to set one itself.
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using PythonCalls;

const string Python = "/usr/bin/python3.11";
const string Usage = "usage: PythonCalls [--pid PID] [--duration SECONDS] [--top N] [SCRIPT [ARGS...]]";

int? targetPid = null;
TimeSpan? duration = null;
int top = 10;
int next = 0;
for (; next < args.Length && args[next].StartsWith("--", StringComparison.Ordinal); next += 2)
{
    string? value = next + 1 < args.Length ? args[next + 1] : null;
    switch (args[next])
    {
        case "--pid" when int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int pid) && pid > 0:
            targetPid = pid;
            break;
        case "--duration" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds > 0:
            duration = TimeSpan.FromSeconds(seconds);
            break;
        case "--top" when int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0:
            top = n;
            break;
        default:
            Console.Error.WriteLine(Usage);
            return 2;
    }
}

string[] script = args[next..];
if (script.Length > 0 && targetPid is not null)
{
    Console.Error.WriteLine("give a script or --pid, not both");
    return 2;
}

// A script starts stopped (it waits for a line on stdin), so that the probe is attached before its first call.
using Process? python = script.Length > 0 ? StartStopped(script) : null;
int filter = python?.Id ?? targetPid ?? 0;

// PycallsObjects is generated from pycalls.bpf.c at build time (<BpfProgram> in PythonCalls.csproj).
var spec = PycallsObjects.LoadSpec();
_ = new PycallsObjects.Variables(spec) { TargetTgid = (uint)filter };
using var objects = PycallsObjects.Load(spec);
using var links = objects.AttachAll();
Console.WriteLine(filter == 0
    ? $"Counting Python calls in every {Python} process; Ctrl+C to stop."
    : $"Counting Python calls in process {filter}{(python is null ? "; Ctrl+C to stop" : "")}.");

using var cancellation = new CancellationTokenSource();
// Ctrl+C (SIGINT) and SIGTERM stop the count; the links and the collection are then disposed.
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
if (duration is { } d)
{
    cancellation.CancelAfter(d);
}

try
{
    if (python is not null)
    {
        await python.StandardInput.WriteLineAsync();
        python.StandardInput.Close();
        await python.WaitForExitAsync(cancellation.Token);
        Console.WriteLine($"{script[0]} exited with status {python.ExitCode}.");
    }
    else
    {
        await Task.Delay(Timeout.Infinite, cancellation.Token);
    }
}
catch (OperationCanceledException)
{
}

var counts = objects.Calls.Entries()
    .Select(entry => (Function: FunctionName(entry.Key.Function), Calls: entry.Value))
    .OrderByDescending(entry => entry.Calls)
    .ThenBy(entry => entry.Function, StringComparer.Ordinal)
    .Take(top)
    .ToList();
Console.WriteLine("    CALLS  FUNCTION");
foreach (var (function, calls) in counts)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{calls,9}  {function}"));
}

if (python is { HasExited: false })
{
    python.Kill();
}

return 0;

// The C string of the map key: the name up to its NUL.
static string FunctionName(PycallsObjects.ByteArray64 name)
{
    ReadOnlySpan<byte> bytes = name;
    int end = bytes.IndexOf((byte)0);
    return System.Text.Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
}

static Process StartStopped(string[] script)
{
    var start = new ProcessStartInfo(Python) { RedirectStandardInput = true };
    start.ArgumentList.Add("-c");
    start.ArgumentList.Add("import runpy, sys; sys.stdin.readline(); sys.argv = sys.argv[1:]; sys.setprofile(lambda *a: None); runpy.run_path(sys.argv[0], run_name='__main__')");
    foreach (string argument in script)
    {
        start.ArgumentList.Add(argument);
    }

    return Process.Start(start)!;
}

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    cancellation.Cancel();
}
