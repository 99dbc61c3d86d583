using System.Runtime.InteropServices;

namespace Ebpf.Kernel.Interop;

/// <summary><c>struct perf_event_attr</c> (<c>PERF_ATTR_SIZE_VER7</c>), the argument of <c>perf_event_open(2)</c>.</summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct PerfEventAttr
{
    /// <summary><c>type</c> (<c>PERF_TYPE_*</c>, or a dynamic PMU type such as kprobe's).</summary>
    [FieldOffset(0)] public uint Type;
    /// <summary><c>size</c>: sizeof this struct; 0 means the full size.</summary>
    [FieldOffset(4)] public uint Size;
    /// <summary><c>config</c>.</summary>
    [FieldOffset(8)] public ulong Config;
    /// <summary><c>sample_period</c>.</summary>
    [FieldOffset(16)] public ulong SamplePeriod;
    /// <summary><c>sample_freq</c> (same slot as <see cref="SamplePeriod"/>).</summary>
    [FieldOffset(16)] public ulong SampleFreq;
    /// <summary><c>sample_type</c>.</summary>
    [FieldOffset(24)] public ulong SampleType;
    /// <summary><c>read_format</c>.</summary>
    [FieldOffset(32)] public ulong ReadFormat;
    /// <summary>The bit field word: bit 0 <c>disabled</c>, 1 <c>inherit</c>, ..., 10 <c>freq</c>, 11 <c>inherit_stat</c>, 12 <c>enable_on_exec</c>, 13 <c>task</c>, 14 <c>watermark</c>.</summary>
    [FieldOffset(40)] public ulong Flags;
    /// <summary><c>wakeup_events</c>.</summary>
    [FieldOffset(48)] public uint WakeupEvents;
    /// <summary><c>wakeup_watermark</c> (same slot as <see cref="WakeupEvents"/>).</summary>
    [FieldOffset(48)] public uint WakeupWatermark;
    /// <summary><c>bp_type</c>.</summary>
    [FieldOffset(52)] public uint BpType;
    /// <summary><c>config1</c> (<c>bp_addr</c>, <c>kprobe_func</c>, <c>uprobe_path</c>).</summary>
    [FieldOffset(56)] public ulong Config1;
    /// <summary><c>config2</c> (<c>bp_len</c>, <c>kprobe_addr</c>, <c>probe_offset</c>).</summary>
    [FieldOffset(64)] public ulong Config2;
    /// <summary><c>branch_sample_type</c>.</summary>
    [FieldOffset(72)] public ulong BranchSampleType;
    /// <summary><c>sample_regs_user</c>.</summary>
    [FieldOffset(80)] public ulong SampleRegsUser;
    /// <summary><c>sample_stack_user</c>.</summary>
    [FieldOffset(88)] public uint SampleStackUser;
    /// <summary><c>clockid</c>.</summary>
    [FieldOffset(92)] public int ClockId;
    /// <summary><c>sample_regs_intr</c>.</summary>
    [FieldOffset(96)] public ulong SampleRegsIntr;
    /// <summary><c>aux_watermark</c>.</summary>
    [FieldOffset(104)] public uint AuxWatermark;
    /// <summary><c>sample_max_stack</c>.</summary>
    [FieldOffset(108)] public ushort SampleMaxStack;
    /// <summary><c>aux_sample_size</c>.</summary>
    [FieldOffset(112)] public uint AuxSampleSize;
    /// <summary><c>sig_data</c>.</summary>
    [FieldOffset(120)] public ulong SigData;
}
