namespace PacketCounter;

/// <summary><c>struct counter</c> of packets.bpf.c: one CPU's packets and bytes for one protocol.</summary>
internal readonly record struct Counter(ulong Packets, ulong Bytes);
