using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ebpf.Kernel;

/// <summary>
/// Reads a record as an unmanaged <c>T</c>. A record must hold at least <c>sizeof(T)</c> bytes; longer ones are
/// accepted (events with a variable-size tail, perf samples padded to 8 bytes), shorter ones are an
/// <see cref="EbpfException"/> naming both sizes.
/// </summary>
internal static class TypedRecord
{
    /// <summary>The record in place as a <typeparamref name="T"/> (ring buffer samples are 8-byte aligned).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref readonly T InPlace<T>(ReadOnlySpan<byte> record, string source)
        where T : unmanaged
    {
        Check<T>(record.Length, source);
        return ref MemoryMarshal.AsRef<T>(record[..Unsafe.SizeOf<T>()]);
    }

    /// <summary>A copy of the record's first <c>sizeof(T)</c> bytes, at any alignment.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Copy<T>(ReadOnlySpan<byte> record, string source)
        where T : unmanaged
    {
        Check<T>(record.Length, source);
        return MemoryMarshal.Read<T>(record);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Check<T>(int length, string source)
        where T : unmanaged
    {
        if (length < Unsafe.SizeOf<T>())
        {
            ThrowTooShort(length, Unsafe.SizeOf<T>(), typeof(T), source);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowTooShort(int length, int size, Type type, string source) =>
        throw new EbpfException($"{source} record of {length} bytes is shorter than {type.Name} ({size} bytes): the program submits another type, or the struct does not match the C layout");
}
