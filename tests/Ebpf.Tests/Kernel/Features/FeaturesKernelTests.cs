using Ebpf.Asm;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel;

/// <summary>Feature probes against the running kernel: map types compared with bpftool's probe, other features found or named as missing.</summary>
[Category("Kernel")]
public sealed class FeaturesKernelTests
{
    // bpftool's probe of the running kernel (libbpf's): "have_bloom_filter_map_type" and the like.
    private static readonly Lazy<Dictionary<string, bool>> BpftoolMapTypes = new(() =>
    {
        using var json = System.Text.Json.JsonDocument.Parse(ExternalTool.Run("bpftool", "-j", "feature", "probe", "kernel"));
        return json.RootElement.GetProperty("map_types").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetBoolean(), StringComparer.Ordinal);
    });

    private Features _features = null!;

    [SetUp]
    public void CreateProbes() => _features = new Features(LinuxBpfSyscalls.Instance);

    [TestCase(BpfMapType.Hash)]
    [TestCase(BpfMapType.Array)]
    [TestCase(BpfMapType.PercpuArray)]
    [TestCase(BpfMapType.LpmTrie)]
    [TestCase(BpfMapType.HashOfMaps)]
    [TestCase(BpfMapType.Queue)]
    [TestCase(BpfMapType.Ringbuf)]
    [TestCase(BpfMapType.SkStorage)]
    [TestCase(BpfMapType.TaskStorage)]
    [TestCase(BpfMapType.StackTrace)]
    [TestCase(BpfMapType.CgroupStorage)]
    [TestCase(BpfMapType.BloomFilter)]
    [TestCase(BpfMapType.UserRingbuf)]
    [TestCase(BpfMapType.StructOps)]
    public void MapTypesOfThisKernel(BpfMapType type)
    {
        string key = $"have_{KernelNames.Of(type)["BPF_MAP_TYPE_".Length..].ToLowerInvariant()}_map_type";
        Assert.That(BpftoolMapTypes.Value.TryGetValue(key, out bool expected), Is.True, $"bpftool reports {key}");
        EbpfNotSupportedException? missing = null;
        try
        {
            _features.HaveMapType(type);
        }
        catch (EbpfNotSupportedException e)
        {
            missing = e;
            TestContext.Out.WriteLine(e.Message);
        }

        Assert.That(missing is null, Is.EqualTo(expected), $"{type}: our probe and bpftool's agree ({missing?.Message ?? "present"})");
        if (missing is not null)
        {
            Assert.That(missing.MinimumKernelVersion, Is.Not.Null, "a missing map type names the kernel that added it");
        }
    }

    [Test]
    public void BtfKindsOfThisKernel([Values] BtfFeature feature)
    {
        RequireOrSkip($"BTF {feature}", () => _features.HaveBtfFeature(feature));
    }

    [Test]
    public void BtfRewritesAreExactlyTheKindsTheProbesFindMissing()
    {
        var options = _features.BtfSanitizing();
        using var scope = Assert.EnterMultipleScope();
        Assert.That(options.StripFuncLinkage, Is.EqualTo(_features.Lacks(BtfFeature.GlobalFunc)), "global FUNC");
        Assert.That(options.ReplaceFunctions, Is.EqualTo(_features.Lacks(BtfFeature.Func)), "FUNC");
        Assert.That(options.ReplaceDataSections, Is.EqualTo(_features.Lacks(BtfFeature.DataSec)), "DATASEC");
        Assert.That(options.ReplaceQuestionMarkSectionNames, Is.EqualTo(_features.Lacks(BtfFeature.QuestionMarkDataSec)), "DATASEC '?...'");
        Assert.That(options.ReplaceFloats, Is.EqualTo(_features.Lacks(BtfFeature.Float)), "FLOAT");
        Assert.That(options.ReplaceDeclTags, Is.EqualTo(_features.Lacks(BtfFeature.DeclTag)), "DECL_TAG");
        Assert.That(options.ReplaceTypeTags, Is.EqualTo(_features.Lacks(BtfFeature.TypeTag)), "TYPE_TAG");
        Assert.That(options.ReplaceEnum64, Is.EqualTo(_features.Lacks(BtfFeature.Enum64)), "ENUM64");
        Assert.That(options.Any, Is.EqualTo(Enum.GetValues<BtfFeature>().Any(_features.Lacks)), "any rewrite");
    }

    [TestCase(BpfProgramType.SocketFilter)]
    [TestCase(BpfProgramType.Kprobe)]
    [TestCase(BpfProgramType.Xdp)]
    [TestCase(BpfProgramType.SchedCls)]
    [TestCase(BpfProgramType.CgroupSockAddr)]
    [TestCase(BpfProgramType.RawTracepoint)]
    [TestCase(BpfProgramType.Tracing)]
    [TestCase(BpfProgramType.Lsm)]
    [TestCase(BpfProgramType.Ext)]
    [TestCase(BpfProgramType.StructOps)]
    [TestCase(BpfProgramType.Netfilter)]
    [TestCase(BpfProgramType.SkLookup)]
    [TestCase(BpfProgramType.Syscall)]
    public void ProgramTypesOfThisKernel(BpfProgramType type)
    {
        RequireOrSkip($"program type {type}", () => _features.HaveProgramType(type));
    }

    /// <summary>Passes when the probe finds the feature; skips when it says the kernel lacks it and names the kernel that added it.</summary>
    private static void RequireOrSkip(string feature, Action probe)
    {
        try
        {
            probe();
        }
        catch (EbpfNotSupportedException e)
        {
            Assert.That(e.MinimumKernelVersion, Is.Not.Null, $"{feature}: the answer names the kernel that added it");
            Assert.Ignore($"{feature}: {e.Message}");
        }
    }

    [Test]
    public void UnknownMapTypeIsNotSupported()
    {
        var e = Assert.Throws<EbpfNotSupportedException>(() => _features.HaveMapType((BpfMapType)9999))!;
        Assert.That(e.Feature, Is.EqualTo("map type 9999"));
        Assert.That(e.Errno, Is.EqualTo(Errno.EINVAL));
        Assert.Throws<EbpfNotSupportedException>(() => _features.HaveMapType((BpfMapType)9999), "cached answer");
    }

    [Test]
    public void UsdtOfThisKernel() => Assert.DoesNotThrow(_features.HaveUsdt, "kprobe programs, bpf_probe_read_kernel and the uprobe PMU");

    [Test]
    public void TcNetlinkOfThisKernel() => Assert.DoesNotThrow(_features.HaveTcNetlink, "SCHED_CLS programs, cls_bpf and clsact");

    [Test]
    public void UnknownProgramTypeIsNotSupported()
    {
        Assert.Throws<EbpfNotSupportedException>(() => _features.HaveProgramType((BpfProgramType)9999));
    }

    [Test]
    public void HelpersOfThisKernel()
    {
        using var scope = Assert.EnterMultipleScope();
        Assert.DoesNotThrow(() => _features.HaveHelper(BpfProgramType.SocketFilter, Helper.MapLookupElem));
        Assert.DoesNotThrow(() => _features.HaveHelper(BpfProgramType.Kprobe, Helper.GetCurrentPidTgid));
        Assert.DoesNotThrow(() => _features.HaveHelper(BpfProgramType.Xdp, Helper.RingbufOutput));
        Assert.Throws<EbpfNotSupportedException>(() => _features.HaveHelper(BpfProgramType.SocketFilter, Helper.OverrideReturn));
        Assert.Throws<EbpfNotSupportedException>(() => _features.HaveHelper(BpfProgramType.SocketFilter, (Helper)100_000));
    }

    [Test]
    public void ObjectNamesAndFlags()
    {
        using var scope = Assert.EnterMultipleScope();
        Assert.DoesNotThrow(() => _features.HaveObjectName());
        Assert.DoesNotThrow(() => _features.HaveMapFlag(BpfMapFlags.NoPrealloc));
        Assert.DoesNotThrow(() => _features.HaveMapFlag(BpfMapFlags.Mmapable));
        Assert.DoesNotThrow(() => _features.HaveMapFlag(BpfMapFlags.InnerMap));
        Assert.DoesNotThrow(() => _features.HaveMapFlag(BpfMapFlags.RdonlyProg));
        Assert.DoesNotThrow(() => _features.HaveMapFlag(BpfMapFlags.Clone));
    }

    [Test]
    public void ArenaWhenTheJitHasIt()
    {
        KernelRefusal.Require("BPF_MAP_TYPE_ARENA", () => _features.HaveMapType(BpfMapType.Arena));
        Assert.DoesNotThrow(() => _features.HaveMapFlag(BpfMapFlags.SegvOnFault));
    }
}
