namespace Ebpf.Btf.CFormat;

/// <summary>Where a type is in the output pass of <see cref="BtfCDumper"/>.</summary>
internal enum CTypeEmit : byte
{
    /// <summary>Not written yet.</summary>
    NotEmitted,

    /// <summary>Its dependencies are being written; a reference to it now needs a forward declaration.</summary>
    Emitting,

    /// <summary>Written.</summary>
    Emitted,
}
