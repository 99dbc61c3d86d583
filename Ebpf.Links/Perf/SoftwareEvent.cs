namespace Ebpf.Links;

/// <summary>A software perf event counted by the kernel (<c>PERF_COUNT_SW_*</c>, with <c>PERF_TYPE_SOFTWARE</c>).</summary>
public enum SoftwareEvent : ulong
{
    /// <summary><c>PERF_COUNT_SW_CPU_CLOCK</c>: a per-CPU high-resolution timer, the usual profiler clock.</summary>
    CpuClock = 0,
    /// <summary><c>PERF_COUNT_SW_TASK_CLOCK</c>: the clock of the running task.</summary>
    TaskClock = 1,
    /// <summary><c>PERF_COUNT_SW_PAGE_FAULTS</c>.</summary>
    PageFaults = 2,
    /// <summary><c>PERF_COUNT_SW_CONTEXT_SWITCHES</c>.</summary>
    ContextSwitches = 3,
    /// <summary><c>PERF_COUNT_SW_CPU_MIGRATIONS</c>.</summary>
    CpuMigrations = 4,
    /// <summary><c>PERF_COUNT_SW_PAGE_FAULTS_MIN</c>: faults served without I/O.</summary>
    PageFaultsMinor = 5,
    /// <summary><c>PERF_COUNT_SW_PAGE_FAULTS_MAJ</c>: faults that needed I/O.</summary>
    PageFaultsMajor = 6,
    /// <summary><c>PERF_COUNT_SW_ALIGNMENT_FAULTS</c>.</summary>
    AlignmentFaults = 7,
    /// <summary><c>PERF_COUNT_SW_EMULATION_FAULTS</c>.</summary>
    EmulationFaults = 8,
}
