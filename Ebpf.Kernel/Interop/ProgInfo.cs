using System.Runtime.InteropServices;

namespace Ebpf.Kernel.Interop;

/// <summary><c>struct bpf_prog_info</c>, filled by <c>BPF_OBJ_GET_INFO_BY_FD</c> for a program. Pointer fields are buffers the caller provides with their counts.</summary>
[StructLayout(LayoutKind.Explicit, Size = 232)]
public struct ProgInfo
{
    /// <summary><c>type</c>.</summary>
    [FieldOffset(0)] public BpfProgramType Type;
    /// <summary><c>id</c>.</summary>
    [FieldOffset(4)] public uint Id;
    /// <summary><c>tag</c>.</summary>
    [FieldOffset(8)] public BpfProgramTag Tag;
    /// <summary><c>jited_prog_len</c>.</summary>
    [FieldOffset(16)] public uint JitedProgLen;
    /// <summary><c>xlated_prog_len</c>.</summary>
    [FieldOffset(20)] public uint XlatedProgLen;
    /// <summary><c>jited_prog_insns</c>.</summary>
    [FieldOffset(24)] public ulong JitedProgInsns;
    /// <summary><c>xlated_prog_insns</c>.</summary>
    [FieldOffset(32)] public ulong XlatedProgInsns;
    /// <summary><c>load_time</c>: nanoseconds since boot.</summary>
    [FieldOffset(40)] public ulong LoadTime;
    /// <summary><c>created_by_uid</c>.</summary>
    [FieldOffset(48)] public uint CreatedByUid;
    /// <summary><c>nr_map_ids</c>.</summary>
    [FieldOffset(52)] public uint NrMapIds;
    /// <summary><c>map_ids</c>.</summary>
    [FieldOffset(56)] public ulong MapIds;
    /// <summary><c>name</c>.</summary>
    [FieldOffset(64)] public BpfObjectName Name;
    /// <summary><c>ifindex</c>.</summary>
    [FieldOffset(80)] public uint IfIndex;
    /// <summary>The bit field word holding <c>gpl_compatible</c> (bit 0); see <see cref="GplCompatible"/>.</summary>
    [FieldOffset(84)] public uint GplCompatibleBits;
    /// <summary><c>netns_dev</c>.</summary>
    [FieldOffset(88)] public ulong NetnsDev;
    /// <summary><c>netns_ino</c>.</summary>
    [FieldOffset(96)] public ulong NetnsIno;
    /// <summary><c>nr_jited_ksyms</c>.</summary>
    [FieldOffset(104)] public uint NrJitedKsyms;
    /// <summary><c>nr_jited_func_lens</c>.</summary>
    [FieldOffset(108)] public uint NrJitedFuncLens;
    /// <summary><c>jited_ksyms</c>.</summary>
    [FieldOffset(112)] public ulong JitedKsyms;
    /// <summary><c>jited_func_lens</c>.</summary>
    [FieldOffset(120)] public ulong JitedFuncLens;
    /// <summary><c>btf_id</c>.</summary>
    [FieldOffset(128)] public uint BtfId;
    /// <summary><c>func_info_rec_size</c>.</summary>
    [FieldOffset(132)] public uint FuncInfoRecSize;
    /// <summary><c>func_info</c>.</summary>
    [FieldOffset(136)] public ulong FuncInfo;
    /// <summary><c>nr_func_info</c>.</summary>
    [FieldOffset(144)] public uint NrFuncInfo;
    /// <summary><c>nr_line_info</c>.</summary>
    [FieldOffset(148)] public uint NrLineInfo;
    /// <summary><c>line_info</c>.</summary>
    [FieldOffset(152)] public ulong LineInfo;
    /// <summary><c>jited_line_info</c>.</summary>
    [FieldOffset(160)] public ulong JitedLineInfo;
    /// <summary><c>nr_jited_line_info</c>.</summary>
    [FieldOffset(168)] public uint NrJitedLineInfo;
    /// <summary><c>line_info_rec_size</c>.</summary>
    [FieldOffset(172)] public uint LineInfoRecSize;
    /// <summary><c>jited_line_info_rec_size</c>.</summary>
    [FieldOffset(176)] public uint JitedLineInfoRecSize;
    /// <summary><c>nr_prog_tags</c>.</summary>
    [FieldOffset(180)] public uint NrProgTags;
    /// <summary><c>prog_tags</c>.</summary>
    [FieldOffset(184)] public ulong ProgTags;
    /// <summary><c>run_time_ns</c> (with <c>BPF_ENABLE_STATS</c>).</summary>
    [FieldOffset(192)] public ulong RunTimeNs;
    /// <summary><c>run_cnt</c> (with <c>BPF_ENABLE_STATS</c>).</summary>
    [FieldOffset(200)] public ulong RunCnt;
    /// <summary><c>recursion_misses</c>.</summary>
    [FieldOffset(208)] public ulong RecursionMisses;
    /// <summary><c>verified_insns</c>.</summary>
    [FieldOffset(216)] public uint VerifiedInsns;
    /// <summary><c>attach_btf_obj_id</c>.</summary>
    [FieldOffset(220)] public uint AttachBtfObjId;
    /// <summary><c>attach_btf_id</c>.</summary>
    [FieldOffset(224)] public uint AttachBtfId;

    /// <summary><c>gpl_compatible</c>: the program's license is GPL compatible.</summary>
    public readonly bool GplCompatible => (GplCompatibleBits & 1) != 0;
}
