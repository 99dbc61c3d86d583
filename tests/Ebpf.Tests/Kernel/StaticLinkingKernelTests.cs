using Ebpf.Kernel;

namespace Ebpf.Tests.Kernel;

/// <summary>The statically linked tests/bpf/linked object loaded and run: the strong function is the one that runs.</summary>
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
}
