using Ebpf.Kernel;

namespace Ebpf.Tests.Kernel;

/// <summary>
/// The statically linked tests/bpf/linked objects loaded and run: the strong function is the one that runs, and each
/// static function of a name two units share runs for its own unit's programs.
/// </summary>
[TestFixture]
[Category("Kernel")]
public sealed class StaticLinkingKernelTests
{
    [Test]
    public void LinkedProgramsRunTheStrongFunction()
    {
        using var collection = Collection.Load(CollectionSpec.Load(TestPrograms.Path("linked")));
        var xdp = collection.Programs["linked_xdp"].TestRun(new byte[64]);
        var tc = collection.Programs["linked_tc"].TestRun(new byte[64]);
        Assert.That((xdp.ReturnValue, tc.ReturnValue), Is.EqualTo((2u, 0u)), "XDP_PASS: choose(0) == 2, the strong choose");

        ulong At(uint key)
        {
            Span<byte> value = stackalloc byte[8];
            collection.Maps["linked_results"].Lookup(BitConverter.GetBytes(key), value);
            return BitConverter.ToUInt64(value);
        }

        Assert.That(At(0), Is.EqualTo(3UL + 6), "choose(1) + local_a(2)");
        Assert.That(At(1), Is.EqualTo(((5UL + 10) * 2) + 7 + 2), "add_from_b(linked_counter) + linked_rodata + linked_weak_var");
        Assert.That(At(2), Is.EqualTo(42UL), "choose(40) in linked_b's program");
    }

    [Test]
    public void EachProgramRunsItsOwnStaticFunctionOfASharedName()
    {
        using var collection = Collection.Load(CollectionSpec.Load(TestPrograms.Path("linked_statics")));
        uint Run(string name) => collection.Programs[name].TestRun(new byte[64]).ReturnValue;
        Assert.Multiple(() =>
        {
            Assert.That(Run("statics_a"), Is.EqualTo(64u + 1000), "unit a's helper: len + 1000");
            Assert.That(Run("statics_b"), Is.EqualTo((64u * 3) + 2000), "unit b's helper: len * 3 + 2000");
            Assert.That(Run("statics_both"), Is.EqualTo(64u + 1000 + (64u * 3) + 2000), "both helpers");
            Assert.That(collection.Programs["statics_both"].Info().FuncInfoCount, Is.EqualTo(4u), "a FUNC for each function, the renamed helper too");
        });
    }
}
