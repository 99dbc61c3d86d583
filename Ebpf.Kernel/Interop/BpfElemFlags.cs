namespace Ebpf.Kernel.Interop;

/// <summary>Flags of the map element commands (<c>BPF_ANY</c>, <c>BPF_NOEXIST</c>, <c>BPF_EXIST</c>, <c>BPF_F_LOCK</c>).</summary>
[Flags]
public enum BpfElemFlags : ulong
{
    /// <summary><c>BPF_ANY</c>: create a new element or update an existing one.</summary>
    Any = 0,
    /// <summary><c>BPF_NOEXIST</c>: create only; fail with EEXIST when the key exists.</summary>
    NoExist = 1,
    /// <summary><c>BPF_EXIST</c>: update only; fail with ENOENT when the key does not exist.</summary>
    Exist = 2,
    /// <summary><c>BPF_F_LOCK</c>: take the value's <c>bpf_spin_lock</c>.</summary>
    Lock = 4,
}
