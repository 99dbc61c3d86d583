using System.Runtime.InteropServices;

namespace Ebpf.Kernel.Interop;

/// <summary>The <c>BPF_PROG_LOAD</c> variant of <c>union bpf_attr</c>.</summary>
[StructLayout(LayoutKind.Explicit, Size = 152)]
public struct ProgLoadAttr
{
    /// <summary><c>prog_type</c>.</summary>
    [FieldOffset(0)] public BpfProgramType ProgType;
    /// <summary><c>insn_cnt</c>: number of 8-byte instruction slots.</summary>
    [FieldOffset(4)] public uint InsnCnt;
    /// <summary><c>insns</c>: address of the encoded instructions.</summary>
    [FieldOffset(8)] public ulong Insns;
    /// <summary><c>license</c>: address of a NUL-terminated license string.</summary>
    [FieldOffset(16)] public ulong License;
    /// <summary><c>log_level</c>: verifier verbosity (0 none, 1 on failure, 2 every instruction, 4 statistics).</summary>
    [FieldOffset(24)] public uint LogLevel;
    /// <summary><c>log_size</c>: size of the log buffer.</summary>
    [FieldOffset(28)] public uint LogSize;
    /// <summary><c>log_buf</c>: address of the verifier log buffer.</summary>
    [FieldOffset(32)] public ulong LogBuf;
    /// <summary><c>kern_version</c>: <c>LINUX_VERSION_CODE</c>, checked for kprobes before Linux 5.0.</summary>
    [FieldOffset(40)] public uint KernVersion;
    /// <summary><c>prog_flags</c> (<c>BPF_F_STRICT_ALIGNMENT</c>, <c>BPF_F_SLEEPABLE</c>, ...).</summary>
    [FieldOffset(44)] public uint ProgFlags;
    /// <summary><c>prog_name</c>.</summary>
    [FieldOffset(48)] public BpfObjectName ProgName;
    /// <summary><c>prog_ifindex</c>: network device to offload to.</summary>
    [FieldOffset(64)] public uint ProgIfIndex;
    /// <summary><c>expected_attach_type</c>.</summary>
    [FieldOffset(68)] public BpfAttachType ExpectedAttachType;
    /// <summary><c>prog_btf_fd</c>.</summary>
    [FieldOffset(72)] public uint ProgBtfFd;
    /// <summary><c>func_info_rec_size</c>.</summary>
    [FieldOffset(76)] public uint FuncInfoRecSize;
    /// <summary><c>func_info</c>: address of the <c>bpf_func_info</c> records.</summary>
    [FieldOffset(80)] public ulong FuncInfo;
    /// <summary><c>func_info_cnt</c>.</summary>
    [FieldOffset(88)] public uint FuncInfoCnt;
    /// <summary><c>line_info_rec_size</c>.</summary>
    [FieldOffset(92)] public uint LineInfoRecSize;
    /// <summary><c>line_info</c>: address of the <c>bpf_line_info</c> records.</summary>
    [FieldOffset(96)] public ulong LineInfo;
    /// <summary><c>line_info_cnt</c>.</summary>
    [FieldOffset(104)] public uint LineInfoCnt;
    /// <summary><c>attach_btf_id</c>: in-kernel BTF type id to attach to.</summary>
    [FieldOffset(108)] public uint AttachBtfId;
    /// <summary><c>attach_prog_fd</c>: program to attach to (freplace, fentry on a program).</summary>
    [FieldOffset(112)] public uint AttachProgFd;
    /// <summary><c>attach_btf_obj_fd</c>: module BTF holding <see cref="AttachBtfId"/> (same slot as <see cref="AttachProgFd"/>).</summary>
    [FieldOffset(112)] public uint AttachBtfObjFd;
    /// <summary><c>core_relo_cnt</c>.</summary>
    [FieldOffset(116)] public uint CoreReloCnt;
    /// <summary><c>fd_array</c>: address of an array of map and BTF fds the instructions index.</summary>
    [FieldOffset(120)] public ulong FdArray;
    /// <summary><c>core_relos</c>.</summary>
    [FieldOffset(128)] public ulong CoreRelos;
    /// <summary><c>core_relo_rec_size</c>.</summary>
    [FieldOffset(136)] public uint CoreReloRecSize;
    /// <summary><c>log_true_size</c> (Linux 6.4+, output): the log size the verifier needed; 0 on older kernels.</summary>
    [FieldOffset(140)] public uint LogTrueSize;
    /// <summary><c>prog_token_fd</c> (Linux 6.9+): the BPF token the load uses, read with <see cref="ProgramFlags.TokenFd"/> in <see cref="ProgFlags"/>.</summary>
    [FieldOffset(144)] public int ProgTokenFd;
}
