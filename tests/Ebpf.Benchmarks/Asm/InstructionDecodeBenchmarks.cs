using BenchmarkDotNet.Attributes;
using Ebpf.Asm;

namespace Ebpf.Benchmarks.Asm;

/// <summary>Decoding and encoding of a 4096-slot instruction stream, both byte orders.</summary>
[MemoryDiagnoser]
public class InstructionDecodeBenchmarks
{
    private byte[] _bytes = [];
    private Instruction[] _decoded = [];

    [Params(ByteOrder.LittleEndian, ByteOrder.BigEndian)]
    public ByteOrder Order { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        var list = new List<Instruction>();
        int slots = 0;
        while (slots < 4096)
        {
            var insn = rng.Next(10) == 0
                ? new Instruction(OpCode.LoadImm64, Register.R1, Register.R0, 0, rng.NextInt64())
                : new Instruction(new OpCode(0xbf), (Register)rng.Next(10), (Register)rng.Next(10), (short)rng.Next(-100, 100), rng.Next());
            list.Add(insn);
            slots += insn.Slots;
        }

        _decoded = new Instruction[list.Count];
        _bytes = new byte[slots * Instruction.SlotSize];
        int offset = 0;
        foreach (var insn in list)
        {
            offset += insn.Encode(_bytes.AsSpan(offset), Order);
        }
    }

    /// <summary>Decodes the whole stream into a preallocated array: no allocation.</summary>
    [Benchmark]
    public int Decode()
    {
        ReadOnlySpan<byte> span = _bytes;
        int n = 0;
        while (!span.IsEmpty)
        {
            span = span.Slice(Instruction.Decode(span, Order, out _decoded[n++]));
        }

        return n;
    }

    /// <summary>Encodes the decoded stream back into a reused buffer.</summary>
    [Benchmark]
    public int Encode()
    {
        Span<byte> span = _bytes;
        int offset = 0;
        foreach (ref readonly var insn in _decoded.AsSpan())
        {
            offset += insn.Encode(span.Slice(offset), Order);
        }

        return offset;
    }
}
