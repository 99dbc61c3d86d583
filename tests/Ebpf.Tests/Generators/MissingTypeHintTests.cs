using Ebpf.Tests.Btf.CFormat;

namespace Ebpf.Tests.Generators;

/// <summary>
/// EBPF002 for a type clang left out of BTF (a ring buffer event used only through <c>bpf_ringbuf_reserve</c>) gives
/// the line that keeps it, and that line, added to the source, makes the type appear in the generated class.
/// </summary>
public class MissingTypeHintTests
{
    private const string Source = """
        #include <linux/bpf.h>
        #include <bpf/bpf_helpers.h>

        struct event { int pid; char comm[16]; };

        struct {
            __uint(type, BPF_MAP_TYPE_RINGBUF);
            __uint(max_entries, 4096);
        } rb SEC(".maps");

        SEC("tracepoint/syscalls/sys_enter_execve")
        int handle(void *ctx)
        {
            struct event *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
            if (!e)
                return 0;
            e->pid = bpf_get_current_pid_tgid() >> 32;
            bpf_ringbuf_submit(e, 0);
            return 0;
        }

        char LICENSE[] SEC("license") = "GPL";

        """;

    private const string KeepLine = "struct event *unused_event __attribute__((unused));";

    [Test]
    public void AStructOnlyReservedFromARingBufferIsMissingAndTheWarningGivesTheLineThatKeepsIt()
    {
        string directory = Clang.TemporaryDirectory();
        try
        {
            string obj = Compile(directory, "without", Source);
            var (result, _) = GeneratorSnapshotTests.Run(obj, new Dictionary<string, string> { ["EbpfTypes"] = "event" });
            Assert.That(result.Diagnostics.Select(d => d.Id), Is.EqualTo(new[] { "EBPF002" }));
            string message = result.Diagnostics[0].GetMessage();
            Assert.That(message, Does.Contain($"`{KeepLine}`"));
            Assert.That(message, Does.Contain("bpf_ringbuf_reserve"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestCase(KeepLine, true)]
    [TestCase("const struct event *unused_event __attribute__((unused));", true)]
    [TestCase("static struct event *unused_event __attribute__((unused));", false)]
    public void AGlobalPointerKeepsTheTypeAndAStaticOneDoesNot(string line, bool kept)
    {
        string directory = Clang.TemporaryDirectory();
        try
        {
            string obj = Compile(directory, "with", Source + line + "\n");
            var (result, compilation) = GeneratorSnapshotTests.Run(obj, new Dictionary<string, string> { ["EbpfTypes"] = "event", ["EbpfClassName"] = "WithObjects" });
            Assert.That(result.Diagnostics.Select(d => d.Id), kept ? Is.Empty : Is.EqualTo(new[] { "EBPF002" }));
            Assert.That(compilation.GetTypeByMetadataName("WithObjects+Event"), kept ? Is.Not.Null : Is.Null);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string Compile(string directory, string name, string source)
    {
        string c = Path.Combine(directory, name + ".bpf.c");
        string obj = Path.Combine(directory, name + ".bpfel.o");
        File.WriteAllText(c, source);
        Clang.Run(["-g", "-O2", "-Wall", "-Werror", "-I/usr/include/" + Multiarch, "-c", c, "-o", obj]);
        return obj;
    }

    private static string Multiarch =>
        System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
}
