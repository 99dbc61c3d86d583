using System.Runtime.InteropServices;

namespace Ebpf.Kernel.Interop;

/// <summary>The <c>BPF_PROG_TEST_RUN</c> variant of <c>union bpf_attr</c> (<c>test</c>); the kernel writes the outputs back.</summary>
[StructLayout(LayoutKind.Explicit, Size = 80)]
public struct ProgTestRunAttr
{
    /// <summary><c>prog_fd</c>.</summary>
    [FieldOffset(0)] public uint ProgFd;
    /// <summary><c>retval</c> (output): the program's return value.</summary>
    [FieldOffset(4)] public uint Retval;
    /// <summary><c>data_size_in</c>.</summary>
    [FieldOffset(8)] public uint DataSizeIn;
    /// <summary><c>data_size_out</c>: in, the size of <see cref="DataOut"/>; out, the bytes written.</summary>
    [FieldOffset(12)] public uint DataSizeOut;
    /// <summary><c>data_in</c>: address of the input packet.</summary>
    [FieldOffset(16)] public ulong DataIn;
    /// <summary><c>data_out</c>: address of the output packet buffer.</summary>
    [FieldOffset(24)] public ulong DataOut;
    /// <summary><c>repeat</c>: number of runs.</summary>
    [FieldOffset(32)] public uint Repeat;
    /// <summary><c>duration</c> (output): average run time in nanoseconds.</summary>
    [FieldOffset(36)] public uint Duration;
    /// <summary><c>ctx_size_in</c>.</summary>
    [FieldOffset(40)] public uint CtxSizeIn;
    /// <summary><c>ctx_size_out</c>: in, the size of <see cref="CtxOut"/>; out, the bytes written.</summary>
    [FieldOffset(44)] public uint CtxSizeOut;
    /// <summary><c>ctx_in</c>: address of the input context.</summary>
    [FieldOffset(48)] public ulong CtxIn;
    /// <summary><c>ctx_out</c>: address of the output context buffer.</summary>
    [FieldOffset(56)] public ulong CtxOut;
    /// <summary><c>flags</c> (<c>BPF_F_TEST_RUN_ON_CPU</c>, <c>BPF_F_TEST_XDP_LIVE_FRAMES</c>).</summary>
    [FieldOffset(64)] public uint Flags;
    /// <summary><c>cpu</c>, with <c>BPF_F_TEST_RUN_ON_CPU</c>.</summary>
    [FieldOffset(68)] public uint Cpu;
    /// <summary><c>batch_size</c>, with <c>BPF_F_TEST_XDP_LIVE_FRAMES</c>.</summary>
    [FieldOffset(72)] public uint BatchSize;
}
