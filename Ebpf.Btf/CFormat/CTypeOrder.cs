namespace Ebpf.Btf.CFormat;

/// <summary>Where a type is in the ordering pass of <see cref="BtfCDumper"/>.</summary>
internal enum CTypeOrder : byte
{
    /// <summary>Not looked at yet.</summary>
    NotOrdered,

    /// <summary>Its dependencies are being ordered; meeting it again means a cycle.</summary>
    Ordering,

    /// <summary>Done: queued for output when it needs a definition of its own.</summary>
    Ordered,
}
