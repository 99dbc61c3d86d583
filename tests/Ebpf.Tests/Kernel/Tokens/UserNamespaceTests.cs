using Ebpf.Kernel;

namespace Ebpf.Tests.Kernel;

/// <summary>How <see cref="UserNamespace"/> tells the initial user namespace from <c>/proc/self/ns/user</c>'s link target.</summary>
public sealed class UserNamespaceTests
{
    private string _dir = null!;

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("ebpf-userns-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void TheInitialNamespaceHasTheFixedInodeNumber() =>
        Assert.That(UserNamespace.IsInitial(Link("user:[4026531837]")), Is.True);

    [Test]
    public void AnyOtherNamespaceIsNot() =>
        Assert.That(UserNamespace.IsInitial(Link("user:[4026532561]")), Is.False);

    [Test]
    public void WithoutProcfsTheHostIsAssumed() =>
        Assert.That(UserNamespace.IsInitial(Path.Combine(_dir, "missing")), Is.True);

    private string Link(string target)
    {
        string path = Path.Combine(_dir, "user");
        File.CreateSymbolicLink(path, target);
        return path;
    }
}
