using Ebpf.Btf;
using Ebpf.Elf;
using Ebpf.Links;
using static Ebpf.Asm.Register;
using Ebpf.Asm;

namespace Ebpf.Tests.Readme;

/// <summary>The README's quick start, kept compiling and true.</summary>
public class ReadmeQuickStartTests
{
    [Test]
    public void QuickStartRuns()
    {
        var program = new Instructions
        {
            Insn.Mov.Imm(R0, 0),
            Insn.JEq.Imm(R1, 0, "out"),
            Insn.Mov.Imm(R0, 1),
            Insn.Exit().WithSymbol("out"),
        };
        byte[] bytecode = program.Encode(ByteOrder.LittleEndian);
        Assert.That(bytecode, Has.Length.EqualTo(32));

        using var elf = ElfFile.Open(TestPrograms.Path("packet"));
        var section = elf.FindSection("xdp")!;
        string listing = InstructionListing.Format(Instructions.Decode(section.Data.Span, ByteOrder.LittleEndian).AsSpan());
        Assert.That(listing, Does.StartWith("   0: ("));

        var vmlinux = BtfSpec.Load("/sys/kernel/btf/vmlinux");
        var task = vmlinux.FindTypes("task_struct", BtfKind.Struct).Single();
        Assert.That(vmlinux.GetSize(task.Id), Is.GreaterThan(1000));
    }

    [Test]
    [Category("Kernel")]
    [Category("Link")]
    public void LoadAttachAndReadRuns()
    {
        string path = TestPrograms.Path("quickstart");
        var counted = new Dictionary<uint, ulong>();

        // README: load, attach, read
        var spec = CollectionSpec.Load(path);
        using var collection = Ebpf.Kernel.Collection.Load(spec);
        using var link = collection.Programs["count_syscalls"].AttachRawTracepoint("sys_enter");  // Ebpf.Links
        Thread.Sleep(200);
        foreach (var (pid, count) in collection.Maps["counts"].Entries<uint, ulong>())
        {
            counted[pid] = count;
        }

        Assert.That(counted.GetValueOrDefault((uint)Environment.ProcessId), Is.GreaterThan(0UL), "this process made system calls");
    }

    /// <summary>The README's list of attach verbs, kept compiling (each line is a statement there; it is not run here).</summary>
    [Test]
    public void AttachVerbsCompile()
    {
        Action<Ebpf.Kernel.Program, Ebpf.Kernel.Program, Ebpf.Kernel.Program, Ebpf.Kernel.Map, System.Net.Sockets.Socket, int, Ebpf.Kernel.BpfFileDescriptor, BpfAttachType, uint> readme =
            (program, extension, target, map, socket, pid, targetFd, attachType, flags) =>
        {
            program.AttachTracepoint("syscalls", "sys_enter_execve");          // PerfEventLink; AttachRawTracepoint -> RawTracepointLink
            program.AttachKprobe("do_unlinkat", new KprobeOptions { ReturnProbe = true, Cookie = 7 });  // also AttachKprobeMulti
            program.AttachUprobe("/usr/lib/x86_64-linux-gnu/libc.so.6", "malloc", new UprobeOptions { Pid = pid });  // AttachUprobeMulti
            program.AttachTracing(BpfAttachType.TraceFentry);                  // tp_btf, fentry, fexit, fmod_ret, lsm -> TracingLink
            extension.AttachFreplace(target, "verdict");                       // freplace -> TracingLink
            program.AttachIterator(map).ReadAllText();                         // IterLink
            program.AttachXdp("eth0", XdpAttachFlags.Generic);                 // XdpLink
            program.AttachTcx("eth0", BpfAttachType.TcxIngress, new DeviceLinkOptions { Anchor = LinkAnchor.First });  // TcxLink; AttachNetkit
            program.AttachCgroup("/sys/fs/cgroup/my.slice", BpfAttachType.CgroupInetEgress);  // CgroupLink, or PROG_ATTACH before 5.7
            program.AttachNetns("/proc/self/ns/net", BpfAttachType.SkLookup);  // NetnsLink; AttachNetfilter, AttachSockmap(map, ...)
            program.AttachSocketFilter(socket);                                // SocketFilter (SO_ATTACH_BPF)
            program.AttachSoftwareEvent(SoftwareEvent.CpuClock, frequency: 99);  // SoftwareEventLink: a PerfEventLink per CPU; AttachPerfEvent(fd)
            program.AttachRaw(targetFd, attachType, flags);                    // ProgramAttachment (BPF_PROG_ATTACH)
            map.AttachStructOps();                                             // StructOpsLink, or StructOpsAttachment for .struct_ops
        };
        Assert.That(readme, Is.Not.Null);
    }
}
