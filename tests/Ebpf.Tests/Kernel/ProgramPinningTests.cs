using Ebpf.Asm;
using Ebpf.Kernel;

namespace Ebpf.Tests.Kernel;

using Asm = global::Ebpf.Asm.Asm;

/// <summary>Program pinning on a bpffs mounted privately in a temporary directory.</summary>
[Category("Kernel")]
public sealed class ProgramPinningTests
{
    private string _dir = string.Empty;

    [SetUp]
    public void MountBpffs()
    {
        _dir = Directory.CreateTempSubdirectory("ebpf-prog-bpffs-").FullName;
        if (ExternalTool.Execute("mount", "-t", "bpf", "bpf", _dir).ExitCode != 0)
        {
            Directory.Delete(_dir);
            Assert.Inconclusive("cannot mount a bpffs here");
        }
    }

    [TearDown]
    public void UnmountBpffs()
    {
        if (_dir.Length > 0 && Directory.Exists(_dir))
        {
            ExternalTool.Execute("umount", _dir);
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Test]
    public void PinOpenPinnedAndUnpin()
    {
        string path = Path.Combine(_dir, "prog");
        using var program = Program.Load(new ProgramSpec
        {
            Name = "pinned",
            Type = BpfProgramType.SocketFilter,
            Instructions = new Instructions([Asm.Mov.Imm(Register.R0, 9), Asm.Exit()]),
        });
        program.Pin(path);
        Assert.That(program.PinnedPath, Is.EqualTo(path));
        using (var reopened = Program.OpenPinned(path))
        {
            Assert.That(reopened.Info().Id, Is.EqualTo(program.Info().Id));
            Assert.That(reopened.Name, Is.EqualTo("pinned"));
            Assert.That(reopened.TestRun(new byte[16]).ReturnValue, Is.EqualTo(9u));
        }

        var again = Assert.Throws<EbpfException>(() => program.Pin(path))!;
        Assert.That(again.Errno, Is.EqualTo(Errno.EEXIST));
        program.Unpin();
        Assert.That(File.Exists(path), Is.False);
        Assert.That(program.PinnedPath, Is.Null);
        var missing = Assert.Throws<EbpfException>(() => Program.OpenPinned(path))!;
        Assert.That(missing.Errno, Is.EqualTo(Errno.ENOENT));
    }
}
