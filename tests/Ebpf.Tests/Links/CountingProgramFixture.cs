namespace Ebpf.Tests.Links;

/// <summary>A base for link test fixtures that get a fresh <see cref="TestProgramLoader"/> (counting programs) for each test.</summary>
public abstract class CountingProgramFixture
{
    /// <summary>The current test's loader and counter map.</summary>
    private protected TestProgramLoader Loader { get; private set; } = null!;

    /// <summary>Creates the test's loader.</summary>
    [SetUp]
    public void CreateLoader() => Loader = new TestProgramLoader();

    /// <summary>Disposes the test's loader and its counter map.</summary>
    [TearDown]
    public void DisposeLoader() => Loader.Dispose();
}
