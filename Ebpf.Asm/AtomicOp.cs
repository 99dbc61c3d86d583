namespace Ebpf.Asm;

/// <summary>The immediate of an atomic (STX | ATOMIC) instruction.</summary>
public enum AtomicOp : int
{
    /// <summary>*(ptr) += src.</summary>
    Add = 0x00,
    /// <summary>*(ptr) |= src.</summary>
    Or = 0x40,
    /// <summary>*(ptr) &amp;= src.</summary>
    And = 0x50,
    /// <summary>*(ptr) ^= src.</summary>
    Xor = 0xa0,
    /// <summary>src = atomic_fetch_add(ptr, src).</summary>
    FetchAdd = Add | Fetch,
    /// <summary>src = atomic_fetch_or(ptr, src).</summary>
    FetchOr = Or | Fetch,
    /// <summary>src = atomic_fetch_and(ptr, src).</summary>
    FetchAnd = And | Fetch,
    /// <summary>src = atomic_fetch_xor(ptr, src).</summary>
    FetchXor = Xor | Fetch,
    /// <summary>src = xchg(ptr, src).</summary>
    Xchg = 0xe0 | Fetch,
    /// <summary>r0 = cmpxchg(ptr, r0, src).</summary>
    CmpXchg = 0xf0 | Fetch,
    /// <summary>dst = load_acquire(src + off).</summary>
    LoadAcquire = 0x100,
    /// <summary>store_release(dst + off, src).</summary>
    StoreRelease = 0x110,
    /// <summary>Flag: the old value is returned in the source register.</summary>
    Fetch = 0x01,
}
