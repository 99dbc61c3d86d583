namespace Ebpf.Asm;

/// <summary>The byte order of an encoded instruction stream (bpfel or bpfeb).</summary>
public enum ByteOrder : byte
{
    /// <summary>Little endian, as <c>-target bpfel</c> emits.</summary>
    LittleEndian = 0,
    /// <summary>Big endian, as <c>-target bpfeb</c> emits.</summary>
    BigEndian = 1,
}
