using System.Buffers.Binary;

namespace Ebpf.Links;

/// <summary>
/// libbpf's <c>struct __bpf_usdt_spec</c> (bpf/usdt.bpf.h), the value of the <c>__bpf_usdt_specs</c> map that
/// <c>bpf_usdt_arg</c> reads: twelve 16-byte <c>struct __bpf_usdt_arg_spec</c> (<c>val_off</c> u64 at 0;
/// <c>arg_type</c> at 8, which libbpf 1.7+ narrows to 8 bits followed by <c>idx_reg_off:12</c> and
/// <c>scale_bitshift:4</c> in the same 32-bit unit; <c>reg_off</c> s16 at 12; <c>arg_signed</c> at 14;
/// <c>arg_bitshift</c> at 15), then <c>usdt_cookie</c> u64 at 192 and <c>arg_cnt</c> s16 at 200: 208 bytes.
/// Both header versions read the constant, register and dereference forms from the same bytes.
/// </summary>
internal static class UsdtSpec
{
    /// <summary><c>sizeof(struct __bpf_usdt_spec)</c>.</summary>
    public const int Size = 208;

    /// <summary><c>sizeof(struct __bpf_usdt_arg_spec)</c>.</summary>
    public const int ArgumentSize = 16;

    /// <summary><c>offsetof(struct __bpf_usdt_spec, usdt_cookie)</c>.</summary>
    public const int CookieOffset = UsdtArguments.MaxCount * ArgumentSize;

    /// <summary><c>offsetof(struct __bpf_usdt_spec, arg_cnt)</c>.</summary>
    public const int CountOffset = CookieOffset + sizeof(ulong);

    /// <summary>The map value for <paramref name="arguments"/> and the user's <paramref name="cookie"/> (<c>bpf_usdt_cookie</c>), in little-endian order (x86-64).</summary>
    public static byte[] Encode(IReadOnlyList<UsdtArgument> arguments, ulong cookie)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(arguments.Count, UsdtArguments.MaxCount, nameof(arguments));
        var value = new byte[Size];
        for (int i = 0; i < arguments.Count; i++)
        {
            EncodeArgument(arguments[i], value.AsSpan(i * ArgumentSize, ArgumentSize));
        }

        BinaryPrimitives.WriteUInt64LittleEndian(value.AsSpan(CookieOffset), cookie);
        BinaryPrimitives.WriteInt16LittleEndian(value.AsSpan(CountOffset), (short)arguments.Count);
        return value;
    }

    private static void EncodeArgument(UsdtArgument argument, Span<byte> slot)
    {
        BinaryPrimitives.WriteInt64LittleEndian(slot, argument.Value);
        uint typeUnit = (uint)argument.Kind | ((uint)(argument.IndexRegisterOffset & 0xfff) << 8) | ((uint)(argument.ScaleShift & 0xf) << 20);
        BinaryPrimitives.WriteUInt32LittleEndian(slot[8..], typeUnit);
        BinaryPrimitives.WriteInt16LittleEndian(slot[12..], argument.RegisterOffset);
        slot[14] = argument.Signed ? (byte)1 : (byte)0;
        slot[15] = argument.BitShift;
    }
}
