using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Ebpf.Kernel.Interop;

/// <summary>
/// The 16-byte, NUL-terminated object name of maps and programs (<c>char name[BPF_OBJ_NAME_LEN]</c>).
/// The kernel accepts at most 15 characters from <c>[A-Za-z0-9_.]</c>.
/// </summary>
[InlineArray(Length)]
public struct BpfObjectName
{
    /// <summary>Size in bytes, including the terminating NUL (<c>BPF_OBJ_NAME_LEN</c>).</summary>
    public const int Length = 16;

    private byte _first;

    /// <summary>Builds a name.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is longer than 15 characters or has a character the kernel rejects.</exception>
    public static BpfObjectName From(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length >= Length)
        {
            throw new ArgumentException($"object name '{name}' is longer than {Length - 1} characters", nameof(name));
        }

        var result = default(BpfObjectName);
        Span<byte> bytes = result;
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == '.'))
            {
                throw new ArgumentException($"object name '{name}' has '{c}'; the kernel accepts only [A-Za-z0-9_.]", nameof(name));
            }

            bytes[i] = (byte)c;
        }

        return result;
    }

    /// <summary>The name up to the first NUL.</summary>
    public override readonly string ToString()
    {
        ReadOnlySpan<byte> bytes = MemoryMarshal.CreateReadOnlySpan(in _first, Length);
        int end = bytes.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? bytes : bytes[..end]);
    }
}
