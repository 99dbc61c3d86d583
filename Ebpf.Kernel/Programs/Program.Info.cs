using System.Globalization;
using Ebpf.Asm;
using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

public sealed unsafe partial class Program
{
    /// <summary>Asks the kernel about the program (<c>BPF_OBJ_GET_INFO_BY_FD</c>): id, tag, sizes, maps, BTF, load time.</summary>
    /// <exception cref="EbpfException">The call failed.</exception>
    public ProgramInfo Info()
    {
        var info = QueryInfo(_syscalls, FileDescriptor);
        var mapIds = new uint[info.NrMapIds];
        if (mapIds.Length > 0)
        {
            fixed (uint* ids = mapIds)
            {
                var second = new ProgInfo { NrMapIds = (uint)mapIds.Length, MapIds = (ulong)ids };
                Query(_syscalls, FileDescriptor, ref second);
                if (second.NrMapIds < mapIds.Length)
                {
                    Array.Resize(ref mapIds, (int)second.NrMapIds); // a map went away between the calls
                }
            }
        }

        return new ProgramInfo
        {
            Id = info.Id,
            Type = info.Type,
            Name = info.Name.ToString(),
            Tag = info.Tag.ToString(),
            GplCompatible = info.GplCompatible,
            LoadTime = TimeSpan.FromTicks((long)(info.LoadTime / 100)),
            LoadedAt = BootClock.ToWallClock(info.LoadTime),
            CreatedByUid = info.CreatedByUid,
            XlatedSize = info.XlatedProgLen,
            JitedSize = info.JitedProgLen,
            MapIds = mapIds,
            BtfId = info.BtfId,
            FuncInfoCount = info.NrFuncInfo,
            LineInfoCount = info.NrLineInfo,
            VerifiedInstructions = info.VerifiedInsns,
            RunTimeNanoseconds = info.RunTimeNs,
            RunCount = info.RunCnt,
            RecursionMisses = info.RecursionMisses,
            AttachBtfId = info.AttachBtfId,
            AttachBtfObjectId = info.AttachBtfObjId,
            IfIndex = info.IfIndex,
            MemlockBytes = ReadMemlock(FileDescriptor),
        };
    }

    /// <summary>
    /// The instructions as the verifier rewrote them (<c>xlated_prog_insns</c>), decoded. Map references show as the
    /// kernel reports them (map ids rather than descriptors), helper calls as resolved.
    /// </summary>
    /// <exception cref="EbpfException">The call failed (the kernel hides them without CAP_SYS_ADMIN: the result is then empty).</exception>
    public Instructions XlatedInstructions()
    {
        var info = QueryInfo(_syscalls, FileDescriptor);
        var bytes = new byte[info.XlatedProgLen];
        if (bytes.Length == 0)
        {
            return new Instructions();
        }

        fixed (byte* p = bytes)
        {
            var second = new ProgInfo { XlatedProgLen = (uint)bytes.Length, XlatedProgInsns = (ulong)p };
            Query(_syscalls, FileDescriptor, ref second);
        }

        return Instructions.Decode(bytes, BitConverter.IsLittleEndian ? ByteOrder.LittleEndian : ByteOrder.BigEndian);
    }

    /// <summary>
    /// The program's name as <c>bpftool prog show</c> prints it: the kernel keeps 15 characters of a name, so when the
    /// kernel's name fills them, the name of the program's first function in its BTF (its first <c>func_info</c>
    /// record); otherwise, or when the program has no BTF, the kernel's name.
    /// </summary>
    /// <exception cref="EbpfException">The program's information cannot be read.</exception>
    public string FullName()
    {
        var info = QueryInfo(_syscalls, FileDescriptor);
        string name = info.Name.ToString();
        if (name.Length < BpfObjectName.Length - 1 || info.BtfId == 0 || info.NrFuncInfo == 0)
        {
            return name;
        }

        var record = new uint[2]; // struct bpf_func_info: insn_off, type_id
        fixed (uint* p = record)
        {
            var first = new ProgInfo { NrFuncInfo = 1, FuncInfoRecSize = Math.Min(info.FuncInfoRecSize, ProgramBtf.FuncInfoSize), FuncInfo = (ulong)p };
            Query(_syscalls, FileDescriptor, ref first);
        }

        try
        {
            return KernelBtfObjects.Read(_syscalls, info.BtfId).GetTypeById(record[1]) is Ebpf.Btf.BtfFunc { Name.Length: > 0 } function ? function.Name : name;
        }
        catch (Exception e) when (e is EbpfException or Ebpf.Btf.BtfFormatException or ArgumentOutOfRangeException or KeyNotFoundException)
        {
            return name; // BTF gone or unreadable: bpftool falls back to the kernel's name too
        }
    }

    internal static ProgInfo QueryInfo(IBpfSyscalls syscalls, BpfFileDescriptor fd)
    {
        ProgInfo info = default;
        Query(syscalls, fd, ref info);
        return info;
    }

    private static void Query(IBpfSyscalls syscalls, BpfFileDescriptor fd, ref ProgInfo info)
    {
        using var use = new FdUse(fd);
        fixed (ProgInfo* p = &info)
        {
            var attr = new ObjGetInfoAttr { BpfFd = use.Fd, InfoLen = (uint)sizeof(ProgInfo), Info = (ulong)p };
            syscalls.ObjGetInfoByFd(ref attr);
        }
    }

    /// <summary>The <c>memlock:</c> line of <c>/proc/self/fdinfo/FD</c>, as bpftool's <c>bytes_memlock</c>.</summary>
    private static ulong? ReadMemlock(BpfFileDescriptor fd)
    {
        using var use = new FdUse(fd); // the number must stay this program's while the file is read
        Span<byte> text = stackalloc byte[1024]; // a program's fdinfo is a few hundred bytes
        try
        {
            using var file = File.OpenHandle($"/proc/self/fdinfo/{use.Fd}");
            text = text[..RandomAccess.Read(file, text, 0)];
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        var key = "memlock:"u8;
        int at = text.IndexOf(key);
        if (at < 0 || (at > 0 && text[at - 1] != (byte)'\n'))
        {
            return null;
        }

        var value = text[(at + key.Length)..];
        int end = value.IndexOf((byte)'\n');
        return ulong.TryParse(value[..(end < 0 ? value.Length : end)].Trim((byte)' ').Trim((byte)'\t'), NumberStyles.None, CultureInfo.InvariantCulture, out ulong bytes)
            ? bytes
            : null;
    }
}
