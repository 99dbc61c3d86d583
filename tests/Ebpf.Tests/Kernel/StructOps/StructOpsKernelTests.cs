using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Links;

namespace Ebpf.Tests.Kernel;

/// <summary>struct_ops maps loaded by Collection.Load and registered by AttachStructOps: TCP congestion controls implemented by BPF programs.</summary>
[Category("Kernel")]
[NonParallelizable]
public class StructOpsKernelTests
{
    private const string Available = "/proc/sys/net/ipv4/tcp_available_congestion_control";

    /// <summary>Skips on kernels without BPF_F_LINK struct_ops maps (the SDK's probe; Linux 6.4).</summary>
    internal static void RequireStructOpsLinks() => KernelRefusal.Require("struct_ops links", Features.Default.HaveStructOpsLink);

    private static string[] CongestionControls() => File.ReadAllText(Available).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Test]
    [Category("Link")]
    public void StructOpsMapsLoadUnregisteredAndRegisterOnAttachUntilTheAttachmentIsDisposed()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("struct_ops"));
        using var collection = Collection.Load(spec);
        Assert.That(CongestionControls(), Does.Not.Contain("dotnet_cc").And.Not.Contain("dotnet_cc2"), "loading registers nothing, as libbpf");
        Assert.That(collection.Maps["dotnet_cc"].Info().Type, Is.EqualTo(BpfMapType.StructOps));
        Assert.That(collection.Maps["dotnet_cc"].HasStructOpsValue, Is.True);
        Assert.That(collection.Programs.Keys, Is.EquivalentTo(new[] { "dotnet_ssthresh", "dotnet_cong_avoid", "dotnet_undo_cwnd" }));
        foreach (var program in collection.Programs.Values)
        {
            Assert.That(program.Info().Type, Is.EqualTo(BpfProgramType.StructOps));
        }

        using (var attachment = collection.Maps["dotnet_cc"].AttachStructOps())
        {
            Assert.That(attachment, Is.InstanceOf<StructOpsAttachment>());
            Assert.That(CongestionControls(), Does.Contain("dotnet_cc").And.Not.Contain("dotnet_cc2"));
            Assert.That(collection.Maps["dotnet_cc"].IsStructOpsRegistered, Is.True);
            Assert.Throws<EbpfNotSupportedException>(() => attachment.Info());
            Assert.Throws<EbpfNotSupportedException>(() => attachment.Pin("/sys/fs/bpf/unused"));
            var update = Assert.Throws<EbpfNotSupportedException>(() => attachment.Update(collection.Programs["dotnet_ssthresh"].FileDescriptor))!;
            Assert.That(update.Message, Does.Contain("dotnet_cc").And.Contain("BPF_F_LINK"));
            var twice = Assert.Throws<InvalidOperationException>(() => collection.Maps["dotnet_cc"].AttachStructOps())!;
            Assert.That(twice.Message, Does.Contain("registered by this object already"));
        }

        Assert.That(CongestionControls(), Does.Not.Contain("dotnet_cc"), "disposing the attachment unregisters");
        Assert.That(collection.Maps["dotnet_cc"].IsStructOpsRegistered, Is.False);
        var again = Assert.Throws<EbpfException>(() => collection.Maps["dotnet_cc"].AttachStructOps())!;
        Assert.That(again.Message, Does.StartWith("map 'dotnet_cc': ").And.Contain("registered and unregistered").And.Contain("load the collection again"));
    }

    [Test]
    [Category("Link")]
    public void DetachUnregistersAndDisposeAfterwardsIsHarmless()
    {
        using var collection = Collection.Load(CollectionSpec.Load(TestPrograms.Path("struct_ops")));
        using var attachment = collection.Maps["dotnet_cc2"].AttachStructOps();
        Assert.That(CongestionControls(), Does.Contain("dotnet_cc2"));
        attachment.Detach();
        Assert.That(CongestionControls(), Does.Not.Contain("dotnet_cc2"));
        attachment.Detach();
        attachment.Dispose();
    }

    [Test]
    [Category("Link")]
    public void DisposingTheCollectionWhileAttachedUnregisters()
    {
        var collection = Collection.Load(CollectionSpec.Load(TestPrograms.Path("struct_ops")));
        var attachment = collection.Maps["dotnet_cc"].AttachStructOps();
        Assert.That(CongestionControls(), Does.Contain("dotnet_cc"));
        collection.Dispose();
        Assert.That(CongestionControls(), Does.Not.Contain("dotnet_cc"));
        Assert.DoesNotThrow(attachment.Dispose);
    }

    [Test]
    [Category("Link")]
    public void AttachAllRegistersEveryStructOpsMapAndSkipsTheirPrograms()
    {
        using var collection = Collection.Load(CollectionSpec.Load(TestPrograms.Path("struct_ops")));
        using (var links = collection.AttachAll())
        {
            Assert.That(links.Select(l => ((StructOpsAttachment)l).Map.Name), Is.EqualTo(new[] { "dotnet_cc", "dotnet_cc2" }), "the maps only: struct_ops programs register through them");
            Assert.That(CongestionControls(), Does.Contain("dotnet_cc").And.Contain("dotnet_cc2"));
        }

        Assert.That(CongestionControls(), Does.Not.Contain("dotnet_cc").And.Not.Contain("dotnet_cc2"), "disposing the set unregisters both");
    }

    [Test]
    [Category("Link")]
    public void AttachAllSkipsAStructOpsMapRegisteredAlreadyAndUndoesItsRegistrationsWhenOneFails()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("struct_ops"));
        using var collection = Collection.Load(spec);
        using (collection.Maps["dotnet_cc"].AttachStructOps())
        using (var links = collection.AttachAll())
        {
            Assert.That(links.Select(l => ((StructOpsAttachment)l).Map.Name), Is.EqualTo(new[] { "dotnet_cc2" }));
        }

        using var other = Collection.Load(spec);
        using var taken = other.Maps["dotnet_cc2"].AttachStructOps();
        using var third = Collection.Load(spec);
        var e = Assert.Throws<EbpfException>(() => third.AttachAll())!;
        Assert.That(e.Message, Does.StartWith("map 'dotnet_cc2': "));
        Assert.That(e.Errno, Is.EqualTo(Errno.EEXIST));
        Assert.That(third.Maps["dotnet_cc"].IsStructOpsRegistered, Is.False, "the registration made before the failure was undone");
        Assert.That(CongestionControls(), Does.Not.Contain("dotnet_cc"));
    }

    [Test]
    [Category("Link")]
    public void AttachAllRegistersALinkStructOpsMapThroughALink()
    {
        RequireStructOpsLinks();
        using var collection = Collection.Load(CollectionSpec.Load(TestPrograms.Path("struct_ops_link")));
        using (var links = collection.AttachAll())
        {
            Assert.That(links.Single(), Is.TypeOf<StructOpsLink>());
            Assert.That(links.Single().Info().MapId, Is.EqualTo(collection.Maps["dotnet_link_cc"].Info().Id));
            Assert.That(CongestionControls(), Does.Contain("dotnet_link_cc"));
        }

        Assert.That(CongestionControls(), Does.Not.Contain("dotnet_link_cc"));
    }

    [Test]
    public void TheKernelKeepsARegisteredMapAfterItsLastDescriptorCloses()
    {
        // Why Map.Dispose unregisters: a registered struct_ops map holds a reference to itself in the kernel.
        using var collection = Collection.Load(CollectionSpec.Load(TestPrograms.Path("struct_ops")));
        var map = collection.Maps["dotnet_cc"];
        uint id = map.Info().Id;
        map.RegisterStructOps();
        map.FileDescriptor.Dispose(); // closes the only descriptor without Map.Dispose's unregistration
        try
        {
            Assert.That(CongestionControls(), Does.Contain("dotnet_cc"), "closing the last descriptor does not unregister");
        }
        finally
        {
            using var reopened = Map.OpenById(id);
            Assert.That(reopened.HasStructOpsValue, Is.False);
            reopened.Delete(new byte[4]);
        }

        Assert.That(CongestionControls(), Does.Not.Contain("dotnet_cc"));
    }

    [Test]
    [Category("Link")]
    public void TheSameObjectLoadsTwiceAndTheKernelRefusesTheSecondRegistrationOfAName()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("struct_ops"));
        using var first = Collection.Load(spec);
        using var second = Collection.Load(spec);
        using var attached = first.Maps["dotnet_cc"].AttachStructOps();
        var e = Assert.Throws<EbpfException>(() => second.Maps["dotnet_cc"].AttachStructOps())!;
        Assert.That(e.Errno, Is.EqualTo(Errno.EEXIST));
        Assert.That(e.Message, Does.StartWith("map 'dotnet_cc': BPF_MAP_UPDATE_ELEM failed: ").And.Contain("the kernel refused to register the struct_ops map"));
        Assert.That(second.Maps["dotnet_cc"].IsStructOpsRegistered, Is.False);
    }

    [Test]
    public void AMapWithoutAPreparedValueCannotRegister()
    {
        using var collection = Collection.Load(CollectionSpec.Load(TestPrograms.Path("struct_ops")));
        using var opened = Map.OpenById(collection.Maps["dotnet_cc"].Info().Id);
        var e = Assert.Throws<InvalidOperationException>(() => opened.AttachStructOps())!;
        Assert.That(e.Message, Does.Contain("no prepared value"));
        Assert.That(CongestionControls(), Does.Not.Contain("dotnet_cc"));
    }

    [Test]
    public void ADisposedProgramFailsTheRegistrationInsteadOfWritingItsNumber()
    {
        using var collection = Collection.Load(CollectionSpec.Load(TestPrograms.Path("struct_ops")));
        collection.Programs["dotnet_undo_cwnd"].Dispose();
        var e = Assert.Throws<ObjectDisposedException>(() => collection.Maps["dotnet_cc"].AttachStructOps())!;
        Assert.That(e.Message, Does.Contain("dotnet_undo_cwnd"));
        Assert.That(CongestionControls(), Does.Not.Contain("dotnet_cc"));
        Assert.That(collection.Maps["dotnet_cc"].IsStructOpsRegistered, Is.False);
    }

    [Test]
    public void KernelValueHoldsTheObjectsNonFunctionMembers()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("struct_ops"));
        using var collection = Collection.Load(spec);
        var map = collection.Maps["dotnet_cc"];
        var value = new byte[map.ValueSize];
        Assert.That(map.TryLookup(new byte[4], value), Is.True);
        Assert.That(value, Is.All.Zero, "an unregistered map reads as zeros");
        map.RegisterStructOps();
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
        RequireStructOpsLinks();
        var spec = CollectionSpec.Load(TestPrograms.Path("struct_ops_link"));
        using var collection = Collection.Load(spec);
        var map = collection.Maps["dotnet_link_cc"];
        Assert.That(map.Flags & BpfMapFlags.Link, Is.EqualTo(BpfMapFlags.Link));
        Assert.That(CongestionControls(), Does.Not.Contain("dotnet_link_cc"), "a .struct_ops.link map is not registered by its update");
        var value = new byte[map.ValueSize];
        Assert.That(map.TryLookup(new byte[4], value), Is.True);
        Assert.That(BitConverter.ToInt32(value, 4), Is.EqualTo(3), "Collection.Load wrote the value: the kernel's state is BPF_STRUCT_OPS_STATE_READY");
        Assert.Throws<InvalidOperationException>(map.RegisterStructOps);
        using (StructOpsLink.Attach(map.FileDescriptor, LinuxBpfSyscalls.Instance))
        {
            Assert.That(CongestionControls(), Does.Contain("dotnet_link_cc"));
        }

        Assert.That(CongestionControls(), Does.Not.Contain("dotnet_link_cc"));
        using (var link = map.AttachStructOps())
        {
            Assert.That(link.Fd, Is.Not.Null, "a BPF_F_LINK map attaches with BPF_LINK_CREATE");
            Assert.That(link.Info().MapId, Is.EqualTo(map.Info().Id));
            Assert.That(CongestionControls(), Does.Contain("dotnet_link_cc"), "a link map registers again after its link closed");
        }

        Assert.That(CongestionControls(), Does.Not.Contain("dotnet_link_cc"));
    }

    [Test]
    [Category("Link")]
    public void AStructOpsLinkUpdatesToAnotherLoadedLinkMap()
    {
        RequireStructOpsLinks();
        // Collection.Load writes a BPF_F_LINK map's value, so a map from another collection is ready to replace it.
        var spec = CollectionSpec.Load(TestPrograms.Path("struct_ops_link"));
        using var first = Collection.Load(spec);
        using var second = Collection.Load(spec);
        using var link = first.Maps["dotnet_link_cc"].AttachStructOps();
        link.Update(second.Maps["dotnet_link_cc"].FileDescriptor);
        Assert.That(link.Info().MapId, Is.EqualTo(second.Maps["dotnet_link_cc"].Info().Id));
        Assert.That(CongestionControls(), Does.Contain("dotnet_link_cc"));
    }

    [Test]
    [Category("Link")]
    public void APinnedStructOpsMapIsReusedWhenItImplementsTheSameKernelType()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("struct_ops"));
        spec.Maps["dotnet_cc"] = spec.Maps["dotnet_cc"] with { Pinning = PinType.ByName };
        using var bpffs = BpffsDirectory.Mount();
        var options = new CollectionLoadOptions { PinPath = bpffs.Path };
        string pin = Path.Combine(bpffs.Path, "dotnet_cc");
        try
        {
            using (var first = Collection.Load(spec, options))
            using (first.Maps["dotnet_cc"].AttachStructOps())
            {
                Assert.That(CongestionControls(), Does.Contain("dotnet_cc"));

                // The spec's value size is the BPF object's struct; the kernel map's is the kernel wrapper's: the
                // check compares against the kernel's, and the struct_ops type.
                using var second = Collection.Load(spec, options);
                Assert.That(second.Maps["dotnet_cc"].Info().Id, Is.EqualTo(first.Maps["dotnet_cc"].Info().Id));
                Assert.That(second.Maps["dotnet_cc"].HasStructOpsValue, Is.True, "prepared as libbpf does, for a map no one registered");
                var e = Assert.Throws<EbpfException>(() => second.Maps["dotnet_cc"].AttachStructOps())!;
                Assert.That(e.Message, Does.StartWith("map 'dotnet_cc': ").And.Contain("the struct_ops map is registered already"));
                Assert.That(e.Errno, Is.EqualTo(Errno.EBUSY));
            }

            Assert.That(CongestionControls(), Does.Not.Contain("dotnet_cc"), "the pin does not keep it registered past its attachment");
        }
        finally
        {
            File.Delete(pin);
        }
    }

    [Test]
    [Category("Link")]
    public void APinnedStructOpsMapNoOneRegisteredRegistersFromTheNextLoad()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("struct_ops"));
        spec.Maps["dotnet_cc"] = spec.Maps["dotnet_cc"] with { Pinning = PinType.ByName };
        using var bpffs = BpffsDirectory.Mount();
        var options = new CollectionLoadOptions { PinPath = bpffs.Path };
        try
        {
            Collection.Load(spec, options).Dispose(); // pinned, never registered
            using var second = Collection.Load(spec, options);
            using (second.Maps["dotnet_cc"].AttachStructOps())
            {
                Assert.That(CongestionControls(), Does.Contain("dotnet_cc"));
            }

            Assert.That(CongestionControls(), Does.Not.Contain("dotnet_cc"));
        }
        finally
        {
            File.Delete(Path.Combine(bpffs.Path, "dotnet_cc"));
        }
    }

    [Test]
    [Category("Link")]
    public void APinnedLinkMapKeepsItsValueAndAttachesFromTheNextLoad()
    {
        RequireStructOpsLinks();
        var spec = CollectionSpec.Load(TestPrograms.Path("struct_ops_link"));
        spec.Maps["dotnet_link_cc"] = spec.Maps["dotnet_link_cc"] with { Pinning = PinType.ByName };
        using var bpffs = BpffsDirectory.Mount();
        var options = new CollectionLoadOptions { PinPath = bpffs.Path };
        try
        {
            Collection.Load(spec, options).Dispose(); // pinned with its value written (the kernel takes no second one)
            using var second = Collection.Load(spec, options);
            using (second.Maps["dotnet_link_cc"].AttachStructOps())
            {
                Assert.That(CongestionControls(), Does.Contain("dotnet_link_cc"));
            }

            Assert.That(CongestionControls(), Does.Not.Contain("dotnet_link_cc"));
        }
        finally
        {
            File.Delete(Path.Combine(bpffs.Path, "dotnet_link_cc"));
        }
    }

    [Test]
    [Category("Link")]
    public void APinnedStructOpsMapWithOtherFlagsIsIncompatible()
    {
        var plain = CollectionSpec.Load(TestPrograms.Path("struct_ops"));
        var linked = CollectionSpec.Load(TestPrograms.Path("struct_ops_link"));
        linked.Maps["dotnet_link_cc"] = linked.Maps["dotnet_link_cc"] with { Pinning = PinType.ByName };
        using var bpffs = BpffsDirectory.Mount();
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
