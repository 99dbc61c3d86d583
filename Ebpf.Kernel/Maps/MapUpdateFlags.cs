namespace Ebpf.Kernel;

/// <summary>How <see cref="Map.Update(ReadOnlySpan{byte}, ReadOnlySpan{byte}, MapUpdateFlags)"/> treats an existing key (<c>BPF_ANY</c>, <c>BPF_NOEXIST</c>, <c>BPF_EXIST</c>, <c>BPF_F_LOCK</c>).</summary>
[Flags]
public enum MapUpdateFlags : ulong
{
    /// <summary>Create the element or overwrite it.</summary>
    Any = 0,
    /// <summary>Create only: fail when the key exists.</summary>
    NoExist = 1,
    /// <summary>Overwrite only: fail when the key does not exist. For queues and stacks, push over the oldest element when full.</summary>
    Exist = 2,
    /// <summary>Take the value's <c>bpf_spin_lock</c> while copying.</summary>
    Lock = 4,
}
