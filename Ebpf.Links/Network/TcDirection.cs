namespace Ebpf.Links;

/// <summary>Which side of a device's clsact qdisc a <c>cls_bpf</c> filter sits on.</summary>
public enum TcDirection
{
    /// <summary>Packets the device receives (<c>tc filter add dev X ingress</c>).</summary>
    Ingress,

    /// <summary>Packets the device sends (<c>tc filter add dev X egress</c>).</summary>
    Egress,
}
