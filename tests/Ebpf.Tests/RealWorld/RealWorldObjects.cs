namespace Ebpf.Tests.RealWorld;

/// <summary>
/// The real-world objects the comparison tests read and load, from the Debian packages <c>.ci/run</c> installs:
/// <see cref="LibbpfToolsObjects"/> and <see cref="KernelSelftestObjects"/>. An object is named <c>SOURCE/FILE</c>.
/// </summary>
public static class RealWorldObjects
{
    /// <summary>The sources by name: why each is unavailable (null when it is) and its object files.</summary>
    public static IReadOnlyDictionary<string, (Func<string?> Missing, Func<IReadOnlyList<string>> All)> Sources { get; } =
        new Dictionary<string, (Func<string?>, Func<IReadOnlyList<string>>)>(StringComparer.Ordinal)
        {
            [LibbpfToolsObjects.Package] = (() => LibbpfToolsObjects.Missing, () => LibbpfToolsObjects.All),
            [KernelSelftestObjects.Name] = (() => KernelSelftestObjects.Missing, () => KernelSelftestObjects.All),
        };

    /// <summary>
    /// Objects libbpf opens and we refuse, by id, and why. Their tests check that we still refuse them (so fixing one
    /// means removing it here).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Refused { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
    };

    /// <summary>
    /// Objects libbpf loads and we do not yet, by id, and why. Their tests check that we still fail (so fixing one
    /// means removing it here).
    /// </summary>
    public static IReadOnlyDictionary<string, string> NotLoaded { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
    };

    /// <summary>One test case per object, or one per missing source (which fails with the install hint).</summary>
    public static IEnumerable<TestCaseData> Cases() => Sources.SelectMany(source => source.Value.Missing() is not null
        ? [new TestCaseData($"{source.Key}/(missing)").SetArgDisplayNames($"{source.Key}: missing")]
        : source.Value.All().Select(p => $"{source.Key}/{System.IO.Path.GetFileName(p)}").Select(id => new TestCaseData(id).SetArgDisplayNames(id)));

    /// <summary>The file of the object <paramref name="id"/> (<c>SOURCE/FILE</c>); fails the test when its source is missing.</summary>
    public static string Path(string id)
    {
        int slash = id.IndexOf('/');
        var source = Sources[id[..slash]];
        if (source.Missing() is { } missing)
        {
            Assert.Fail(missing);
        }

        return source.All().Single(p => System.IO.Path.GetFileName(p) == id[(slash + 1)..]);
    }
}
