using Ebpf.Kernel;

namespace Ebpf.Tests;

/// <summary><see cref="BpffsDirectory"/>: a fresh private bpffs per use, gone with its pins after dispose.</summary>
[Category("Kernel")]
public sealed class BpffsDirectoryTests
{
    [Test]
    public void EachMountIsAFreshBpffsThatDisposeRemoves()
    {
        string path;
        using (var first = BpffsDirectory.Mount())
        using (var second = BpffsDirectory.Mount())
        {
            path = first.Path;
            Assert.That(second.Path, Is.Not.EqualTo(first.Path));
            Assert.That(MountType(first.Path), Is.EqualTo("bpf"));
            Assert.That(first.Pins(), Is.Empty, "the kernel's preloaded iterators are not pins");

            using var map = Map.Create(new MapSpec { Name = "fixture", Type = BpfMapType.Array, KeySize = 4, ValueSize = 4, MaxEntries = 1 });
            map.Pin(System.IO.Path.Combine(first.Path, "fixture"));
            Assert.That(first.Pins(), Is.EqualTo(new[] { "fixture" }));
            Assert.That(second.Pins(), Is.Empty, "a pin is seen only in its own bpffs");
        }

        Assert.That(Directory.Exists(path), Is.False);
        Assert.That(MountType(path), Is.Null);
    }

    /// <summary>The file system type mounted at <paramref name="path"/> (from /proc/self/mountinfo), or null.</summary>
    private static string? MountType(string path) =>
        File.ReadLines("/proc/self/mountinfo")
            .Select(line => line.Split(' '))
            .Where(fields => fields.Length > 4 && fields[4] == path)
            .Select(fields => fields[Array.IndexOf(fields, "-") + 1])
            .LastOrDefault();
}
