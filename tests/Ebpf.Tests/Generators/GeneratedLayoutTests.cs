using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ebpf.Btf;
using Ebpf.Btf.CSharp;

namespace Ebpf.Tests.Generators;

/// <summary>
/// The structs Ebpf.Generators (through CSharpStructWriter) wrote into this assembly for tests/bpf/typed.bpf.c have
/// the sizes and member offsets of the object's BTF.
/// </summary>
public class GeneratedLayoutTests
{
    private static BtfSpec Btf => CollectionSpec.Load(TestPrograms.Path("typed")).Types!;

    [TestCase(typeof(TypedObjects.TypedKey), "typed_key")]
    [TestCase(typeof(TypedObjects.TypedValue), "typed_value")]
    [TestCase(typeof(TypedObjects.TypedEvent), "typed_event")]
    [TestCase(typeof(TypedObjects.Point), "point")]
    public void SizesAndOffsetsAreTheBtfOnes(Type type, string cName)
    {
        var btf = Btf;
        var composite = (BtfComposite)btf.FindTypes(cName, BtfKind.Struct).Single();
        int size = (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(type).Invoke(null, null)!;
        Assert.That(size, Is.EqualTo(composite.Size), "size");
        int checkedFields = 0;
        foreach (var (name, bitOffset) in Members(btf, composite, 0))
        {
            var field = type.GetField(CSharpNames.PascalCase(name), BindingFlags.Public | BindingFlags.Instance);
            if (field is null)
            {
                Assert.That(type.GetProperty(CSharpNames.PascalCase(name)), Is.Not.Null, $"bitfield property for {name}");
                continue;
            }

            Assert.That(Marshal.OffsetOf(type, field.Name).ToInt32() * 8, Is.EqualTo(bitOffset), name);
            checkedFields++;
        }

        Assert.That(checkedFields, Is.GreaterThan(1));
    }

    [Test]
    public void UnionMembersOverlapAndArraysHaveTheirLength()
    {
        var raw = default(TypedObjects.TypedValueRaw);
        raw.AsU32 = 0x04030201;
        Assert.That(Unsafe.SizeOf<TypedObjects.TypedValueRaw>(), Is.EqualTo(4));
        Assert.That(((ReadOnlySpan<byte>)raw.AsBytes).ToArray(), Is.EqualTo(BitConverter.IsLittleEndian ? new byte[] { 1, 2, 3, 4 } : new byte[] { 4, 3, 2, 1 }));
        var value = default(TypedObjects.TypedValue);
        Assert.That(((Span<ulong>)value.Grid[1]).Length, Is.EqualTo(3));
        Assert.That(((Span<TypedObjects.Point>)value.Corners).Length, Is.EqualTo(2));
    }

    [Test]
    public void BitfieldsKeepTheirNeighboursAndSignExtend()
    {
        var value = default(TypedObjects.TypedValue);
        value.Mood = TypedObjects.Mood.MoodHappy;
        value.Flag = 1;
        value.Level = 5;
        value.Delta = -3;
        value.Wide = 0x7FFFFF;
        Assert.That((value.Flag, value.Level, value.Delta, value.Wide), Is.EqualTo((1u, 5u, -3, 0x7FFFFFu)));
        value.Level = 0;
        Assert.That((value.Flag, value.Level, value.Delta, value.Wide), Is.EqualTo((1u, 0u, -3, 0x7FFFFFu)));
        Assert.That(value.Mood, Is.EqualTo(TypedObjects.Mood.MoodHappy));

        // Bits 640.. of the C struct: flag at 0, level at 1-3, delta at 4-8, wide at 9-31 of the u32 at byte 80.
        var bytes = MemoryMarshal.AsBytes(new Span<TypedObjects.TypedValue>(ref value));
        uint word = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes[80..]);
        Assert.That(word, Is.EqualTo(1u | (0u << 1) | ((uint)(-3 & 0x1F) << 4) | (0x7FFFFFu << 9)));
    }

    [Test]
    public void BitfieldsReadWhatClangInitialized()
    {
        var spec = CollectionSpec.Load(TestPrograms.Path("typed"));
        var flags = new TypedObjects.Variables(spec).InitialFlags;
        Assert.That((flags.A, flags.B, flags.C, flags.D, flags.E), Is.EqualTo((5u, -3, 12345u, (ushort)9, (byte)200)));

        var written = default(TypedObjects.Flags);
        (written.A, written.B, written.C, written.D, written.E) = (5u, -3, 12345u, (ushort)9, (byte)200);
        Assert.That(MemoryMarshal.AsBytes(new Span<TypedObjects.Flags>(ref written)).ToArray(), Is.EqualTo(spec.Variables["initial_flags"].Bytes.ToArray()));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void BitfieldStorageReadsClangsBitsInEitherByteOrder(bool bigEndian)
    {
        // What the generated accessors do on a host of that byte order, over the object clang built for it.
        var spec = CollectionSpec.Load(TestPrograms.Path("typed", bigEndian));
        var flags = (BtfComposite)spec.Types!.FindTypes("flags", BtfKind.Struct).Single();
        var bytes = spec.Variables["initial_flags"].Bytes.ToArray();
        var values = new List<long>();
        foreach (var member in flags.Members.Where(m => m.BitfieldSize != 0))
        {
            var (start, width, le, be) = CSharpStructWriter.BitfieldStorage(member.BitOffset, member.BitfieldSize, spec.Types.GetSize(member.TypeId), flags.Size)!.Value;
            ulong storage = 0;
            for (int i = 0; i < width; i++)
            {
                storage |= (ulong)bytes[start + i] << (bigEndian ? (int)(width - 1 - i) * 8 : i * 8);
            }

            int shift = bigEndian ? be : le;
            long value = (long)((storage >> shift) & ((1UL << (int)member.BitfieldSize) - 1));
            bool signed = spec.Types.ResolveUnderlying(member.TypeId) is BtfInt { IsSigned: true };
            values.Add(signed && (value >> ((int)member.BitfieldSize - 1)) != 0 ? value - (1L << (int)member.BitfieldSize) : value);
        }

        Assert.That(values, Is.EqualTo(new long[] { 5, -3, 12345, 9 }));
    }

    [Test]
    public void EnumsHaveTheBtfSizeAndValues()
    {
        Assert.That(Enum.GetUnderlyingType(typeof(TypedObjects.Color)), Is.EqualTo(typeof(byte)));
        Assert.That((byte)TypedObjects.Color.ColorBlue, Is.EqualTo(200));
        Assert.That(Unsafe.SizeOf<TypedObjects.Mood>(), Is.EqualTo(4));
    }

    private static IEnumerable<(string Name, uint BitOffset)> Members(BtfSpec btf, BtfComposite composite, uint baseBits)
    {
        foreach (var member in composite.Members)
        {
            if (member.Name.Length == 0 && btf.ResolveUnderlying(member.TypeId) is BtfComposite inner)
            {
                foreach (var nested in Members(btf, inner, baseBits + member.BitOffset))
                {
                    yield return nested;
                }
            }
            else
            {
                yield return (member.Name, baseBits + member.BitOffset);
            }
        }
    }
}
