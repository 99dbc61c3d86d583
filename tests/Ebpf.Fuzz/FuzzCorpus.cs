using System.Security.Cryptography;

namespace Ebpf.Fuzz;

/// <summary>
/// Inputs that once failed, kept as regression tests: <c>DIR/TARGET/HASH.bin</c>, with the failure reason in
/// <c>HASH.txt</c> beside it. Every run replays them first.
/// </summary>
public static class FuzzCorpus
{
    /// <summary>Saves a failing input; returns its path.</summary>
    public static string Save(string directory, FuzzFailure failure)
    {
        string folder = Path.Combine(directory, failure.Target);
        Directory.CreateDirectory(folder);
        string name = Convert.ToHexString(SHA256.HashData(failure.Input))[..16].ToLowerInvariant();
        string path = Path.Combine(folder, name + ".bin");
        File.WriteAllBytes(path, failure.Input);
        File.WriteAllText(Path.Combine(folder, name + ".txt"), $"seed: {failure.Seed}\n{failure.Reason}\n");
        return path;
    }

    /// <summary>The saved inputs of one target (none when the folder does not exist).</summary>
    public static IReadOnlyList<FuzzSeed> Load(string directory, string target)
    {
        string folder = Path.Combine(directory, target);
        return Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.bin").Order(StringComparer.Ordinal).Select(p => new FuzzSeed(Path.GetFileName(p), File.ReadAllBytes(p))).ToArray()
            : [];
    }
}
