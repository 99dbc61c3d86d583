using Ebpf.Asm;
using Ebpf.Btf;
using Ebpf.Kernel;
using Ebpf.Links;
using Ebpf.Specs;
using Ebpf.Tests.Kernel;

namespace Ebpf.Tests.Links;

/// <summary>
/// Features younger than the oldest kernel the SDK runs on, used as a user would use them. Whether the running kernel
/// has each is read from the kernel itself, not from the SDK: the enumerator or struct member the feature added to
/// the kernel's BTF (and, where a kernel option gates it, the kernel's config). On a kernel without the feature the
/// SDK must answer <see cref="EbpfNotSupportedException"/> naming it and its first kernel version; on a kernel with
/// it the same call must work. The development machine takes the second path for each; older kernels in the VM
/// (<c>tests/vm/run.sh 6.1</c>) take the first for most.
/// </summary>
[Category("Kernel")]
[Category("Link")]
[NonParallelizable]
public class NewerKernelFeatureTests
{
    private static readonly string[] LibcPaths = ["/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/lib64/libc.so.6"];

    public static IEnumerable<TestCaseData> Features()
    {
        yield return Case("TCX links", "6.6", () => HasEnumerator("bpf_attach_type", "BPF_TCX_INGRESS"), AttachTcx);
        yield return Case("uprobe_multi links", "6.6", () => HasEnumerator("bpf_attach_type", "BPF_TRACE_UPROBE_MULTI"), AttachUprobeMulti);
        yield return Case("netfilter", "6.4", () => HasEnumerator("bpf_prog_type", "BPF_PROG_TYPE_NETFILTER"), AttachNetfilter);
        yield return Case("struct_ops links", "6.4", () => HasEnumerator("bpf_attach_type", "BPF_STRUCT_OPS"), LoadStructOpsLinkObject);
        yield return Case("BPF cookie on raw tracepoints", "6.10", () => HasMember("bpf_raw_tp_link", "cookie"), AttachRawTracepointWithCookie);
        yield return Case("kprobe_multi links", "5.18",
            () => HasEnumerator("bpf_attach_type", "BPF_TRACE_KPROBE_MULTI") && KernelConfig("CONFIG_FPROBE") == "y", AttachKprobeMulti);
        yield return Case("kprobe session links", "6.10",
            () => HasEnumerator("bpf_attach_type", "BPF_TRACE_KPROBE_SESSION") && KernelConfig("CONFIG_FPROBE") == "y", AttachKprobeSession);
        yield return Case("uprobe session links", "6.13", () => HasEnumerator("bpf_attach_type", "BPF_TRACE_UPROBE_SESSION"), AttachUprobeSession);
        yield return Case("BPF_MAP_TYPE_CGRP_STORAGE", "6.2", () => HasEnumerator("bpf_map_type", "BPF_MAP_TYPE_CGRP_STORAGE"),
            CreateCgroupStorage);
        yield return Case("BPF_MAP_TYPE_ARENA", "6.9", () => HasEnumerator("bpf_map_type", "BPF_MAP_TYPE_ARENA"), CreateArena);
    }

    [TestCaseSource(nameof(Features))]
    public void IsUsableOrNotSupportedWithItsFirstKernel(string feature, string firstKernel, Func<bool> kernelHasIt, Action use)
    {
        if (kernelHasIt())
        {
            TestContext.Out.WriteLine($"{feature}: in this kernel; used");
            KernelRefusal.Run(feature, () =>
            {
                use();
                return 0;
            });
            return;
        }

        var e = Assert.Throws(Is.InstanceOf<EbpfNotSupportedException>(), () => use(), $"{feature} is missing from this kernel")!;
        var missing = (EbpfNotSupportedException)e;
        TestContext.Out.WriteLine($"{feature}: not in this kernel; {missing.Message}");
        Assert.That(missing.Message, Does.Contain(feature).IgnoreCase);
        Assert.That(missing.MinimumKernelVersion, Is.EqualTo(firstKernel), missing.Message);
    }

    private static TestCaseData Case(string feature, string firstKernel, Func<bool> kernelHasIt, Action use) =>
        new TestCaseData(feature, firstKernel, kernelHasIt, use).SetArgDisplayNames(feature);

    private static bool HasEnumerator(string enumeration, string name) =>
        KernelBtf.SharedVmlinux.FindTypes(enumeration, BtfKind.Enum).OfType<BtfEnumeration>().Any(e => e.Values.Any(v => v.Name == name));

    private static bool HasMember(string structure, string member) =>
        KernelBtf.SharedVmlinux.FindTypes(structure, BtfKind.Struct).OfType<BtfComposite>().Any(s => s.Members.Any(m => m.Name == member));

    /// <summary>The value of a kernel option (<c>y</c>, <c>m</c>, a number), or null when unset; skips when no config is readable.</summary>
    private static string? KernelConfig(string option)
    {
        Ebpf.Specs.KernelConfig config;
        try
        {
            config = Ebpf.Specs.KernelConfig.Load();
        }
        catch (FileNotFoundException e)
        {
            Assert.Ignore($"{option}: {e.Message}, so nothing says whether it is set");
            throw;
        }

        return config.Values.TryGetValue(option, out var value) ? value : null;
    }

    private static Program LoadProgram(BpfProgramType type, BpfAttachType? attachType = null, string? attachTo = null) =>
        Program.Load(new ProgramSpec
        {
            Name = "newer",
            Type = type,
            AttachType = attachType,
            AttachTo = attachTo,
            Instructions = [Insn.Mov.Imm(Register.R0, 1), Insn.Exit()],
        });

    private static void AttachTcx()
    {
        using var program = LoadProgram(BpfProgramType.SchedCls, BpfAttachType.TcxIngress);
        using var link = program.AttachTcx(ifIndex: 1, BpfAttachType.TcxIngress); // lo; returns TCX_PASS
    }

    private static void AttachUprobeMulti()
    {
        using var program = LoadProgram(BpfProgramType.Kprobe, BpfAttachType.TraceUprobeMulti);
        string libc = LibcPaths.First(File.Exists);
        using var link = program.AttachUprobeMulti(libc, ["getpid"]);
    }

    private static void AttachNetfilter()
    {
        using var program = LoadProgram(BpfProgramType.Netfilter, BpfAttachType.Netfilter); // NF_ACCEPT
        using var link = program.AttachNetfilter(NetfilterProtocolFamily.IPv4, NetfilterHook.LocalOut, priority: 4321);
    }

    private static void LoadStructOpsLinkObject()
    {
        using var collection = Collection.Load(CollectionSpec.Load(TestPrograms.Path("struct_ops_link")));
        using var link = collection.Maps.Values.Single(m => m.Type == BpfMapType.StructOps).AttachStructOps();
    }

    private static void AttachRawTracepointWithCookie()
    {
        using var program = LoadProgram(BpfProgramType.RawTracepoint);
        using var link = program.AttachRawTracepoint("sys_enter", cookie: 42);
    }

    private static void AttachKprobeMulti()
    {
        using var program = LoadProgram(BpfProgramType.Kprobe, BpfAttachType.TraceKprobeMulti);
        using var link = program.AttachKprobeMulti(["__x64_sys_getpid"]);
    }

    private static void AttachKprobeSession()
    {
        using var program = LoadProgram(BpfProgramType.Kprobe, BpfAttachType.TraceKprobeSession);
        using var link = program.AttachKprobeMulti(["__x64_sys_getpid"], new KprobeMultiOptions { Session = true });
    }

    private static void AttachUprobeSession()
    {
        using var program = LoadProgram(BpfProgramType.Kprobe, BpfAttachType.TraceUprobeSession);
        string libc = LibcPaths.First(File.Exists);
        using var link = program.AttachUprobeMulti(libc, ["getpid"], new UprobeMultiOptions { Session = true });
    }

    private static void CreateCgroupStorage()
    {
        using var map = Map.Create(MapTypesKernelTests.LocalStorage(BpfMapType.CgrpStorage, "newer"));
    }

    private static void CreateArena()
    {
        using var map = Map.Create(new MapSpec { Name = "newer", Type = BpfMapType.Arena, MaxEntries = 1, Flags = BpfMapFlags.Mmapable });
    }
}
