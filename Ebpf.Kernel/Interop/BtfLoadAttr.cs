using System.Runtime.InteropServices;

namespace Ebpf.Kernel.Interop;

/// <summary>The <c>BPF_BTF_LOAD</c> variant of <c>union bpf_attr</c>.</summary>
[StructLayout(LayoutKind.Explicit, Size = 40)]
public struct BtfLoadAttr
{
    /// <summary><c>btf</c>: address of the raw BTF blob.</summary>
    [FieldOffset(0)] public ulong Btf;
    /// <summary><c>btf_log_buf</c>: address of the log buffer.</summary>
    [FieldOffset(8)] public ulong BtfLogBuf;
    /// <summary><c>btf_size</c>.</summary>
    [FieldOffset(16)] public uint BtfSize;
    /// <summary><c>btf_log_size</c>.</summary>
    [FieldOffset(20)] public uint BtfLogSize;
    /// <summary><c>btf_log_level</c>.</summary>
    [FieldOffset(24)] public uint BtfLogLevel;
    /// <summary><c>btf_log_true_size</c> (Linux 6.4+, output): the log size the checker needed.</summary>
    [FieldOffset(28)] public uint BtfLogTrueSize;
    /// <summary><c>btf_flags</c> (Linux 6.9+): <c>BPF_F_TOKEN_FD</c> (<see cref="TokenFdFlag"/>) is the only one.</summary>
    [FieldOffset(32)] public uint BtfFlags;
    /// <summary><c>btf_token_fd</c> (Linux 6.9+): the BPF token the load uses, read with <see cref="TokenFdFlag"/> in <see cref="BtfFlags"/>.</summary>
    [FieldOffset(36)] public int BtfTokenFd;

    /// <summary><c>BPF_F_TOKEN_FD</c>: <see cref="BtfTokenFd"/> holds a token.</summary>
    public const uint TokenFdFlag = 1u << 16;
}
