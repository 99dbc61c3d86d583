namespace Ebpf.Links;

/// <summary>How a program attached with <c>BPF_PROG_ATTACH</c> shares a cgroup hook with others (<c>BPF_F_ALLOW_*</c>).</summary>
[Flags]
public enum CgroupAttachFlags : uint
{
    /// <summary>The only program; descendants cannot attach their own.</summary>
    None = 0,
    /// <summary><c>BPF_F_ALLOW_OVERRIDE</c>: a descendant cgroup's program replaces this one for its subtree.</summary>
    AllowOverride = 1,
    /// <summary><c>BPF_F_ALLOW_MULTI</c>: programs of this cgroup and its ancestors all run.</summary>
    AllowMulti = 2,
}
