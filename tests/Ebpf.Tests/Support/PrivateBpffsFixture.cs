namespace Ebpf.Tests;

/// <summary>A base for test fixtures that mount a private bpffs (<see cref="BpffsDirectory"/>) around each test.</summary>
public abstract class PrivateBpffsFixture
{
    private BpffsDirectory? _bpffs;

    /// <summary>The mount point of the current test's bpffs.</summary>
    protected string PinDirectory => _bpffs!.Path;

    /// <summary>Mounts the test's bpffs.</summary>
    [SetUp]
    public void MountBpffs() => _bpffs = BpffsDirectory.Mount();

    /// <summary>Unmounts the test's bpffs, dropping every pin in it.</summary>
    [TearDown]
    public void UnmountBpffs()
    {
        _bpffs?.Dispose();
        _bpffs = null;
    }
}
