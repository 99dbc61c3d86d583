using Ebpf.Kernel;

namespace Ebpf.Tests.Kernel;

/// <summary>
/// BPF tokens on the running kernel. The collection test runs <c>ebpf load</c> (the CLI, which loads with
/// <see cref="Collection.Load"/>) in a new user and mount namespace, as an unprivileged container would: with a
/// bpffs delegated to that namespace the collection loads with the token and is refused without it.
/// </summary>
[Category("Kernel")]
public sealed class BpfTokenKernelTests
{
    private static string Cli => Path.Combine(AppContext.BaseDirectory, "ebpf");

    private static string TokenObject => Path.Combine(TestPrograms.Directory, "token.bpfel.o");

    private string _mountPoint = null!;

    [SetUp]
    public void RequireTokens()
    {
        KernelRefusal.Require("BPF tokens", Features.Default.HaveBpfToken);
        _mountPoint = Directory.CreateTempSubdirectory("ebpf-token-").FullName;
    }

    [TearDown]
    public void RemoveMountPoint()
    {
        if (_mountPoint is not null) // null where the set-up skipped: no tokens on this kernel
            Directory.Delete(_mountPoint); // the mount lived in the child's mount namespace only
        _mountPoint = null!;
    }

    [Test]
    public void TheProbeFindsTokens() => Assert.That(() => Features.Default.HaveBpfToken(), Throws.Nothing);

    [Test]
    public void TheInitialUserNamespaceGetsNoToken()
    {
        using var bpffs = BpffsDirectory.Mount();

        var e = Assert.Throws<EbpfException>(() => BpfToken.Create(bpffs.Path));

        using var scope = Assert.EnterMultipleScope();
        Assert.That(e!.Errno, Is.EqualTo(Errno.EOPNOTSUPP));
        Assert.That(e.Message, Does.Contain("initial user namespace"));
    }

    [Test]
    public void NotABpffsIsSaidSo()
    {
        var e = Assert.Throws<EbpfException>(() => BpfToken.Create(_mountPoint));

        Assert.That(e!.Message, Does.Contain("is not the root of a bpffs mount"));
    }

    [Test]
    public void ACollectionLoadsWithTheTokenInAUserNamespace()
    {
        var result = DelegatedBpffsLauncher.Run(_mountPoint, Cli, "load", TokenObject, "--token", _mountPoint);
        DelegatedBpffsLauncher.IgnoreIfRefused(result);

        using var scope = Assert.EnterMultipleScope();
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Output, Does.Contain("token_count (socket, SocketFilter)").And.Contain("token_packets (Array"));
    }

    [Test]
    public void WithoutTheTokenTheSameLoadIsRefused()
    {
        var result = DelegatedBpffsLauncher.Run(_mountPoint, Cli, "load", TokenObject, "--token", string.Empty);
        DelegatedBpffsLauncher.IgnoreIfRefused(result);

        using var scope = Assert.EnterMultipleScope();
        Assert.That(result.ExitCode, Is.EqualTo(1), result.Output);
        Assert.That(result.Error, Does.Contain("BPF_MAP_CREATE failed").And.Contain("EPERM").And.Contain("runs in a user namespace"));
    }

    [Test]
    public void TheLibbpfVariableNamesTheDelegatedBpffs()
    {
        var result = DelegatedBpffsLauncher.Run(_mountPoint, "env", $"{BpfToken.PathVariable}={_mountPoint}", Cli, "load", TokenObject);
        DelegatedBpffsLauncher.IgnoreIfRefused(result);

        using var scope = Assert.EnterMultipleScope();
        Assert.That(result.ExitCode, Is.Zero, result.Error);
        Assert.That(result.Output, Does.Contain("token_count"));
    }
}
