using System.Globalization;
using System.Text.RegularExpressions;

namespace Ebpf.Tests.Examples;

/// <summary>
/// examples/OpenSnoop, built as a project outside the repository from the run's packages (<see cref="LocalPackageFeed"/>,
/// tests/pack/build-opensnoop.sh): it traces the opens of this process (or of a user) while a thread of the test (or a
/// process of that user) opens a file of its own.
/// </summary>
public sealed partial class ExampleTests
{
    private const string OpenerThreadName = "opensnoop-test";
    private static readonly Lazy<(int ExitCode, string Output)> OpenSnoopBuild =
        new(() => LocalPackageFeed.RunScript("build-opensnoop.sh", LocalPackageFeed.Folder, LocalPackageFeed.Version));

    [Test]
    [Category("Pack")]
    [NonParallelizable]
    public void OpenSnoop_from_packages_reports_the_opens_of_a_file()
    {
        using var file = new OpenedFile(opens: 5, failedOpens: 2);
        var (output, opener) = RunOpenSnoop(file);

        // --pid is the .rodata filter targ_pid, set before load: no other process's opens.
        Assert.That(OpenEvents(output).Select(e => e.Pid), Is.All.EqualTo(Environment.ProcessId), output);
        var events = OpenEvents(output).Where(e => e.Path == file.Path).ToList();
        Assert.That(events, Has.Count.EqualTo(file.Opens), output);
        Assert.That(events.Select(e => (e.Pid, e.Tid, e.Comm, e.Error)), Is.All.EqualTo((Environment.ProcessId, opener.Tid, opener.Comm, 0)), output);
        Assert.That(events.Select(e => e.Fd), Is.All.GreaterThanOrEqualTo(0), output);
        var failed = OpenEvents(output).Where(e => e.Path == file.MissingPath).ToList();
        Assert.That(failed, Has.Count.EqualTo(file.FailedOpens), output);
        Assert.That(failed.Select(e => (e.Pid, e.Tid, e.Fd, e.Error)), Is.All.EqualTo((Environment.ProcessId, opener.Tid, -1, 2)), output); // ENOENT
        AssertCountersMatch(output, atLeast: file.Opens + file.FailedOpens);
    }

    [Test]
    [Category("Pack")]
    [NonParallelizable]
    public void OpenSnoop_from_packages_with_failed_reports_only_the_failed_opens()
    {
        using var file = new OpenedFile(opens: 3, failedOpens: 2);
        var (output, opener) = RunOpenSnoop(file, "--failed");

        Assert.That(OpenEvents(output).Where(e => e.Path == file.Path), Is.Empty, output);
        Assert.That(OpenEvents(output).Where(e => e.Error == 0), Is.Empty, output);
        var failed = OpenEvents(output).Where(e => e.Path == file.MissingPath).ToList();
        Assert.That(failed, Has.Count.EqualTo(file.FailedOpens), output);
        Assert.That(failed.Select(e => (e.Tid, e.Comm)), Is.All.EqualTo((opener.Tid, opener.Comm)), output);
        AssertCountersMatch(output, atLeast: file.FailedOpens);
    }

    [Test]
    [Category("Pack")]
    [NonParallelizable]
    public void OpenSnoop_from_packages_with_uid_reports_only_that_users_opens()
    {
        const int Nobody = 65534;
        using var file = new OpenedFile(opens: 2, failedOpens: 0);
        string duration = Seconds(TestTimeouts.Scaled(TimeSpan.FromSeconds(4)));
        string output = RunOpenSnoop(["--uid", Nobody.ToString(CultureInfo.InvariantCulture), "--duration", duration], () =>
        {
            file.OpenFromThread(OpenerThreadName);
            // cat opens each argument once, after setpriv switched to the user (the file is world-readable).
            ExternalTool.Run("setpriv", $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", "cat", file.Path, file.Path, file.Path);
        });

        // --uid is the .rodata filter targ_uid, set before load: only that user's opens, on the whole machine.
        Assert.That(OpenEvents(output).Select(e => e.Uid), Is.All.EqualTo(Nobody), output);
        var events = OpenEvents(output).Where(e => e.Path == file.Path).ToList();
        Assert.That(events, Has.Count.EqualTo(3), "cat's opens, not this root process's: " + output);
        Assert.That(events.Select(e => (e.Comm, e.Error)), Is.All.EqualTo(("cat", 0)), output);
        Assert.That(events.Select(e => e.Pid), Is.All.Not.EqualTo(Environment.ProcessId), output);
        AssertCountersMatch(output, atLeast: events.Count);
    }

    [Test]
    [Category("Pack")]
    [NonParallelizable]
    public void OpenSnoop_from_packages_with_count_stops_after_that_many_events()
    {
        using var file = new OpenedFile(opens: 5, failedOpens: 0);
        // A duration far beyond the wait: only --count can end the run in time.
        string duration = Seconds(StartTimeout * 4);
        string output = RunOpenSnoop(["--pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), "--count", "2", "--duration", duration],
            () => file.OpenFromThread(OpenerThreadName));

        Assert.That(OpenEvents(output), Has.Count.EqualTo(2), output);
        Assert.That(OpenEvents(output).Select(e => e.Pid), Is.All.EqualTo(Environment.ProcessId), output);
        var counters = OpenSnoopCounters().Match(output);
        Assert.That(counters.Success, Is.True, "no counter line in:\n" + output);
        Assert.That(long.Parse(counters.Groups["received"].Value, CultureInfo.InvariantCulture), Is.GreaterThanOrEqualTo(2), "events read after the count are counted, not printed: " + output);
        Assert.That(counters.Groups["dropped"].Value, Is.EqualTo("0"), output);
    }

    /// <summary>Runs the example on this process (<c>--pid</c>) while a named thread opens <paramref name="file"/>.</summary>
    private static (string Output, (int Tid, string Comm) Opener) RunOpenSnoop(OpenedFile file, params string[] options)
    {
        (int Tid, string Comm) opener = default;
        string duration = Seconds(TestTimeouts.Scaled(TimeSpan.FromSeconds(4)));
        string output = RunOpenSnoop(
            ["--pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), "--duration", duration, .. options],
            () => opener = file.OpenFromThread(OpenerThreadName));
        return (output, opener);
    }

    /// <summary>Runs the example with <paramref name="arguments"/>, calls <paramref name="open"/> once its programs are attached, and returns its output once it exits.</summary>
    private static string RunOpenSnoop(string[] arguments, Action open)
    {
        var (buildExitCode, buildOutput) = OpenSnoopBuild.Value;
        Assert.That(buildExitCode, Is.Zero, "tests/pack/build-opensnoop.sh failed:\n" + buildOutput);
        using var example = ExampleProcess.Start("OpenSnoop", arguments);
        example.WaitForOutput("Tracing openat: 2 programs attached", StartTimeout);
        open();
        Assert.That(example.WaitForExit(StartTimeout), Is.Zero, example.Output);
        return example.Output;
    }

    /// <summary>The program's live .bss counter, as printed at exit, is every event the tool received, and none was dropped.</summary>
    private static void AssertCountersMatch(string output, int atLeast)
    {
        var counters = OpenSnoopCounters().Match(output);
        Assert.That(counters.Success, Is.True, "no counter line in:\n" + output);
        long received = long.Parse(counters.Groups["received"].Value, CultureInfo.InvariantCulture);
        long emitted = long.Parse(counters.Groups["emitted"].Value, CultureInfo.InvariantCulture);
        Assert.That(emitted, Is.GreaterThanOrEqualTo(atLeast), output);
        Assert.That(received, Is.EqualTo(emitted), output);
        Assert.That(counters.Groups["dropped"].Value, Is.EqualTo("0"), output);
        Assert.That(OpenEvents(output), Has.Count.EqualTo(received), output);
    }

    private static List<(int Pid, int Tid, int Uid, string Comm, int Fd, int Error, string Path)> OpenEvents(string output) =>
        [.. OpenSnoopEvent().Matches(output).Select(m => (
            int.Parse(m.Groups["pid"].Value, CultureInfo.InvariantCulture),
            int.Parse(m.Groups["tid"].Value, CultureInfo.InvariantCulture),
            int.Parse(m.Groups["uid"].Value, CultureInfo.InvariantCulture),
            m.Groups["comm"].Value,
            int.Parse(m.Groups["fd"].Value, CultureInfo.InvariantCulture),
            int.Parse(m.Groups["err"].Value, CultureInfo.InvariantCulture),
            m.Groups["path"].Value))];

    [GeneratedRegex(@"^(?<pid>\d+) +(?<tid>\d+) +(?<uid>\d+) +(?<comm>.+?) +(?<fd>-?\d+) +(?<err>\d+) (?<flags>[0-7]{8}) (?<path>.+)$", RegexOptions.Multiline)]
    private static partial Regex OpenSnoopEvent();

    [GeneratedRegex(@"events: (?<received>\d+) received, (?<emitted>\d+) emitted, (?<dropped>\d+) dropped")]
    private static partial Regex OpenSnoopCounters();

    /// <summary>A uniquely named file in the temporary folder (and a name beside it that does not exist), deleted at the end.</summary>
    private sealed class OpenedFile : IDisposable
    {
        public OpenedFile(int opens, int failedOpens)
        {
            Opens = opens;
            FailedOpens = failedOpens;
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"ebpf-opensnoop-{Guid.NewGuid():N}");
            MissingPath = Path + ".missing";
            File.WriteAllText(Path, "opensnoop");
        }

        public string Path { get; }

        public string MissingPath { get; }

        public int Opens { get; }

        public int FailedOpens { get; }

        /// <summary>Opens the file <see cref="Opens"/> times and the missing one <see cref="FailedOpens"/> times from a thread named <paramref name="name"/>; returns its thread id and command name.</summary>
        public (int Tid, string Comm) OpenFromThread(string name)
        {
            (int Tid, string Comm) opener = default;
            Exception? failure = null;
            var thread = new Thread(() =>
            {
                try
                {
                    for (int i = 0; i < Opens; i++)
                    {
                        using var stream = File.OpenRead(Path);
                    }

                    for (int i = 0; i < FailedOpens; i++)
                    {
                        try
                        {
                            using var stream = File.OpenRead(MissingPath);
                        }
                        catch (FileNotFoundException)
                        {
                        }
                    }

                    // /proc/thread-self is a link to PID/task/TID; comm is the thread's name as the kernel keeps it.
                    int tid = int.Parse(System.IO.Path.GetFileName(new FileInfo("/proc/thread-self").LinkTarget!), CultureInfo.InvariantCulture);
                    opener = (tid, File.ReadAllText("/proc/thread-self/comm").TrimEnd('\n'));
                }
                catch (Exception e)
                {
                    failure = e;
                }
            })
            { Name = name };
            thread.Start();
            thread.Join();
            Assert.That(failure, Is.Null, failure?.ToString());
            Assert.That(opener.Comm, Is.EqualTo(name));
            return opener;
        }

        public void Dispose() => File.Delete(Path);
    }
}
