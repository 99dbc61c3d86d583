using System.Runtime.InteropServices;
using Ebpf.Asm;

namespace Ebpf.Tests.Asm;

/// <summary>
/// Loads a raw instruction stream with the bpf(2) BPF_PROG_LOAD command at log level 2 and returns the
/// verifier log, in which the kernel prints every instruction it walks with its own print_bpf_insn.
/// Test-only plumbing: the SDK's own syscall layer is not part of Ebpf.Asm.
/// </summary>
internal static unsafe partial class VerifierLog
{
    private const int BpfProgLoad = 5;
    private const int AttrSize = 128;

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long cmd, void* attr, long size);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    private static long SysBpf => RuntimeInformation.ProcessArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => 321,
        System.Runtime.InteropServices.Architecture.Arm64 => 280,
        _ => throw new PlatformNotSupportedException("bpf(2) syscall number unknown for " + RuntimeInformation.ProcessArchitecture),
    };

    /// <summary>Loads <paramref name="program"/> as <paramref name="programType"/>; returns the errno (0 on success) and the log.</summary>
    public static (int Errno, string Log) Load(IReadOnlyList<Instruction> program, uint programType)
    {
        // A level-2 log can outgrow the buffer (ENOSPC: the program is refused for it); grow it up to the kernel's 1 GiB limit.
        for (int size = 4 << 20; ; size *= 4)
        {
            var (errno, log) = Load(program, programType, size);
            if (errno != ENOSPC || size >= 256 << 20)
            {
                return (errno, log);
            }
        }
    }

    private const int ENOSPC = 28;

    private static (int Errno, string Log) Load(IReadOnlyList<Instruction> program, uint programType, int logSize)
    {
        int slots = 0;
        foreach (Instruction insn in program)
        {
            slots += insn.Slots;
        }

        byte[] code = new byte[slots * Instruction.SlotSize];
        int offset = 0;
        foreach (Instruction insn in program)
        {
            offset += insn.Encode(code.AsSpan(offset), ByteOrder.LittleEndian);
        }

        byte[] license = "GPL\0"u8.ToArray();
        byte[] log = new byte[logSize];
        byte* attr = stackalloc byte[AttrSize];
        new Span<byte>(attr, AttrSize).Clear();
        fixed (byte* insns = code)
        fixed (byte* lic = license)
        fixed (byte* buf = log)
        {
            *(uint*)(attr + 0) = programType;
            *(uint*)(attr + 4) = (uint)slots;
            *(ulong*)(attr + 8) = (ulong)insns;
            *(ulong*)(attr + 16) = (ulong)lic;
            *(uint*)(attr + 24) = 2; // log_level: every instruction with its state
            *(uint*)(attr + 28) = (uint)log.Length;
            *(ulong*)(attr + 32) = (ulong)buf;
            long fd = Syscall(SysBpf, BpfProgLoad, attr, AttrSize);
            int errno = fd < 0 ? Marshal.GetLastSystemError() : 0;
            if (fd >= 0)
            {
                Close((int)fd);
            }

            int length = Array.IndexOf(log, (byte)0);
            return (errno, System.Text.Encoding.UTF8.GetString(log, 0, length < 0 ? log.Length : length));
        }
    }
}
