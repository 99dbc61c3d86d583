using Ebpf.Kernel;
using Ebpf.Links;

namespace Ebpf.Tests.Kernel;

/// <summary>struct_ops maps loaded by Collection.Load: TCP congestion controls implemented by BPF programs.</summary>
[Category("Kernel")]
[NonParallelizable]
public class StructOpsKernelTests
{
    private const string Available = "/proc/sys/net/ipv4/tcp_available_congestion_control";

    private static string[] CongestionControls() => File.ReadAllText(Available).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Test]
    public void StructOpsMapsRegisterOnLoadAndUnregisterOnDispose()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("struct_ops"));
        using (var collection = Collection.Load(spec))
        {
            Assert.That(CongestionControls(), Does.Contain("dotnet_cc").And.Contain("dotnet_cc2"));
            Assert.That(collection.Maps["dotnet_cc"].Info().Type, Is.EqualTo(BpfMapType.StructOps));
            Assert.That(collection.Programs.Keys, Is.EquivalentTo(new[] { "dotnet_ssthresh", "dotnet_cong_avoid", "dotnet_undo_cwnd" }));
            foreach (var program in collection.Programs.Values)
            {
                Assert.That(program.Info().Type, Is.EqualTo(BpfProgramType.StructOps));
            }
        }

        Assert.That(CongestionControls(), Does.Not.Contain("dotnet_cc").And.Not.Contain("dotnet_cc2"));
    }

    [Test]
    public void KernelValueHoldsTheObjectsNonFunctionMembers()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("struct_ops"));
        using var collection = Collection.Load(spec);
        var map = collection.Maps["dotnet_cc"];
        var value = new byte[map.ValueSize];
        Assert.That(map.TryLookup(new byte[4], value), Is.True);
        var kernel = Ebpf.Btf.KernelBtf.SharedVmlinux;
        var wrapper = (Ebpf.Btf.BtfStruct)kernel.FindTypes("bpf_struct_ops_tcp_congestion_ops", Ebpf.Btf.BtfKind.Struct)[0];
        var ops = (Ebpf.Btf.BtfStruct)kernel.FindTypes("tcp_congestion_ops", Ebpf.Btf.BtfKind.Struct)[0];
        Assert.That(map.ValueSize, Is.EqualTo(wrapper.Size));
        int data = (int)(wrapper.Members.Single(m => m.Name == "data").BitOffset / 8);
        int name = data + (int)(ops.Members.Single(m => m.Name == "name").BitOffset / 8);
        int flags = data + (int)(ops.Members.Single(m => m.Name == "flags").BitOffset / 8);
        Assert.That(System.Text.Encoding.ASCII.GetString(value, name, 16).TrimEnd('\0'), Is.EqualTo("dotnet_cc"));
        Assert.That(BitConverter.ToUInt32(value, flags), Is.EqualTo(1u));
    }

    [Test]
    [Category("Link")]
    public void LinkStructOpsMapsRegisterThroughALink()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("struct_ops_link"));
        using var collection = Collection.Load(spec);
        var map = collection.Maps["dotnet_link_cc"];
        Assert.That(map.Flags & BpfMapFlags.Link, Is.EqualTo(BpfMapFlags.Link));
        Assert.That(CongestionControls(), Does.Not.Contain("dotnet_link_cc"), "a .struct_ops.link map is not registered by its update");
        using (StructOpsLink.Attach(map.FileDescriptor))
        {
            Assert.That(CongestionControls(), Does.Contain("dotnet_link_cc"));
        }

        Assert.That(CongestionControls(), Does.Not.Contain("dotnet_link_cc"));
    }

    [Test]
    public void APinnedStructOpsMapIsReusedWhenItImplementsTheSameKernelType()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("struct_ops"));
        spec.Maps["dotnet_cc"] = spec.Maps["dotnet_cc"] with { Pinning = PinType.ByName };
        using var bpffs = new TempBpffs();
        var options = new CollectionLoadOptions { PinPath = bpffs.Path };
        string pin = Path.Combine(bpffs.Path, "dotnet_cc");
        try
        {
            uint firstId;
            using (var first = Collection.Load(spec, options))
            {
                firstId = first.Maps["dotnet_cc"].Info().Id;
            }

            // The spec's value size is the BPF object's struct; the kernel map's is the kernel wrapper's: the
            // check compares against the kernel's, and the struct_ops type.
            using var second = Collection.Load(spec, options);
            Assert.That(second.Maps["dotnet_cc"].Info().Id, Is.EqualTo(firstId));
        }
        finally
        {
            File.Delete(pin);
        }
    }

    [Test]
    [Category("Link")]
    public void APinnedStructOpsMapWithOtherFlagsIsIncompatible()
    {
        var plain = CollectionSpec.Load(TestPrograms.Path("struct_ops"));
        var linked = CollectionSpec.Load(TestPrograms.Path("struct_ops_link"));
        linked.Maps["dotnet_link_cc"] = linked.Maps["dotnet_link_cc"] with { Pinning = PinType.ByName };
        using var bpffs = new TempBpffs();
        string pin = Path.Combine(bpffs.Path, "dotnet_link_cc");
        try
        {
            using (var impostor = Collection.Load(plain))
            {
                impostor.Maps["dotnet_cc"].Pin(pin); // a tcp_congestion_ops map, but registered by update, not by link
            }

            var e = Assert.Throws<EbpfException>(() => Collection.Load(linked, new CollectionLoadOptions { PinPath = bpffs.Path }))!;
            Assert.That(e.Message, Does.Contain("dotnet_link_cc").And.Contain("incompatible").And.Contain("flags"));
        }
        finally
        {
            File.Delete(pin);
        }
    }
}
