using Ebpf.Kernel;

namespace Ebpf.Tests;

/// <summary>
/// Map types of a test object that the running kernel lacks, by <see cref="Features.HaveMapType"/> (a bloom filter
/// before 5.16): tests whose subject is another part of the object leave those maps out, and tests of every map
/// skip just those maps. Each one left out is named in the test output with the SDK's reason.
/// </summary>
public static class MissingMapTypes
{
    /// <summary>Whether the kernel lacks <paramref name="type"/>; when it does, the output names <paramref name="map"/> and why.</summary>
    /// <param name="map">The map of that type, as the output names it.</param>
    /// <param name="type">Its type.</param>
    public static bool Lacks(string map, BpfMapType type)
    {
        try
        {
            Features.Default.HaveMapType(type);
            return false;
        }
        catch (EbpfNotSupportedException e)
        {
            TestContext.Out.WriteLine($"left out map '{map}': {e.Message}");
            return true;
        }
    }

    /// <summary>Removes from <paramref name="spec"/> the maps whose type the kernel lacks; returns <paramref name="spec"/>.</summary>
    /// <param name="spec">The collection, changed in place and returned.</param>
    public static CollectionSpec RemoveFrom(CollectionSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        foreach (var map in spec.Maps.Values.Where(m => Lacks(m.Name, m.Type)).ToList())
        {
            spec.Maps.Remove(map.Name);
        }

        return spec;
    }
}
