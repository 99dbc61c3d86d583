using System.Text;
using Ebpf.Btf;
using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>Finds loaded kernel BTF objects (vmlinux and modules) by name, and reads the BTF of loaded objects.</summary>
internal static unsafe class KernelBtfObjects
{
    private const int NameBufferSize = 64;

    /// <summary>Opens the kernel BTF object of a module (<c>bpf_btf_info.name</c> equal to the module name, <c>kernel_btf</c> set).</summary>
    /// <exception cref="EbpfException">No loaded BTF object has the name.</exception>
    public static BpfFileDescriptor OpenModule(IBpfSyscalls syscalls, string module)
    {
        var next = new GetIdAttr();
        var name = new byte[NameBufferSize];
        while (syscalls.TryGetNextId(BpfObjectKind.Btf, ref next) == Errno.None)
        {
            next.StartId = next.NextId;
            if (syscalls.TryGetFdById(BpfObjectKind.Btf, new GetIdAttr { Id = next.NextId }, out var fd) != Errno.None || fd is null)
            {
                continue; // unloaded meanwhile
            }

            Array.Clear(name);
            BtfInfo info;
            fixed (byte* p = name)
            {
                info = new BtfInfo { Name = (ulong)p, NameLen = (uint)name.Length };
                var attr = new ObjGetInfoAttr { BpfFd = (uint)fd.DangerousGetFd(), InfoLen = (uint)sizeof(BtfInfo), Info = (ulong)&info };
                syscalls.ObjGetInfoByFd(ref attr);
            }

            int end = Array.IndexOf(name, (byte)0);
            if (info.KernelBtf != 0 && Encoding.UTF8.GetString(name, 0, end < 0 ? name.Length : end) == module)
            {
                return fd;
            }

            fd.Dispose();
        }

        throw new EbpfException($"no loaded kernel BTF object is named '{module}' (is the module loaded?)");
    }

    /// <summary>Reads and parses the BTF object with a given id (for example a program's BTF).</summary>
    public static BtfSpec Read(IBpfSyscalls syscalls, uint btfId, BtfSpec? baseSpec = null)
    {
        using var fd = syscalls.GetFdById(BpfObjectKind.Btf, new GetIdAttr { Id = btfId });
        BtfInfo info = default;
        var attr = new ObjGetInfoAttr { BpfFd = (uint)fd.DangerousGetFd(), InfoLen = (uint)sizeof(BtfInfo), Info = (ulong)&info };
        syscalls.ObjGetInfoByFd(ref attr);
        var raw = new byte[info.BtfSize];
        fixed (byte* p = raw)
        {
            info = new BtfInfo { Btf = (ulong)p, BtfSize = (uint)raw.Length };
            attr = new ObjGetInfoAttr { BpfFd = (uint)fd.DangerousGetFd(), InfoLen = (uint)sizeof(BtfInfo), Info = (ulong)&info };
            syscalls.ObjGetInfoByFd(ref attr);
        }

        return BtfSpec.Parse(raw, baseSpec);
    }
}
