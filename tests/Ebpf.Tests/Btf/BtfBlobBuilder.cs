using System.Buffers.Binary;
using System.Text;

namespace Ebpf.Tests.Btf;

/// <summary>Writes small synthetic raw BTF blobs, record by record, for tests.</summary>
public sealed class BtfBlobBuilder
{
    private readonly List<uint> _words = [];
    private readonly MemoryStream _strings = new();
    private readonly Dictionary<string, uint> _offsets = [];

    public BtfBlobBuilder(bool split = false, uint stringBase = 0)
    {
        StringBase = stringBase;
        if (!split)
        {
            _strings.WriteByte(0);
            _offsets[""] = 0;
        }
    }

    /// <summary>Offset where this blob's strings start (a base's string size, for split BTF).</summary>
    public uint StringBase { get; }

    public int TypeCount { get; private set; }

    /// <summary>
    /// A blob of an int and <paramref name="count"/> typedefs <c>t0</c>..<c>t{count-1}</c>, each a pointer to the one
    /// before (<c>t0</c> to the int): a type chain twice <paramref name="count"/> levels deep.
    /// </summary>
    public static byte[] TypedefPointerChain(int count)
    {
        var b = new BtfBlobBuilder();
        b.Type("int", 1, 0, false, 4, (1u << 24) | 32);
        uint previous = 1;
        for (int i = 0; i < count; i++)
        {
            uint pointer = (uint)b.Type("", 2, 0, false, previous);
            previous = (uint)b.Type($"t{i}", 8, 0, false, pointer);
        }

        return b.Build();
    }

    /// <summary>Adds a string (once) and returns its offset.</summary>
    public uint Str(string s)
    {
        if (!_offsets.TryGetValue(s, out uint offset))
        {
            offset = StringBase + (uint)_strings.Length;
            _strings.Write(Encoding.UTF8.GetBytes(s));
            _strings.WriteByte(0);
            _offsets[s] = offset;
        }

        return offset;
    }

    /// <summary>Adds a record and returns its 1-based position in this blob.</summary>
    public int Type(string name, int kind, int vlen, bool kindFlag, uint sizeOrType, params uint[] extra)
    {
        _words.Add(name.Length == 0 ? 0 : Str(name));
        _words.Add(((uint)kind << 24) | (uint)vlen | (kindFlag ? 1u << 31 : 0));
        _words.Add(sizeOrType);
        _words.AddRange(extra);
        return ++TypeCount;
    }

    public byte[] Build(bool bigEndian = false)
    {
        int typeLen = _words.Count * 4;
        var strings = _strings.ToArray();
        var blob = new byte[24 + typeLen + strings.Length];
        void Put32(int at, uint v)
        {
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt32BigEndian(blob.AsSpan(at), v);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(at), v);
            }
        }

        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(blob, 0xEB9F);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(blob, 0xEB9F);
        }

        blob[2] = 1;
        Put32(4, 24);
        Put32(8, 0);
        Put32(12, (uint)typeLen);
        Put32(16, (uint)typeLen);
        Put32(20, (uint)strings.Length);
        for (int i = 0; i < _words.Count; i++)
        {
            Put32(24 + (4 * i), _words[i]);
        }

        strings.CopyTo(blob, 24 + typeLen);
        return blob;
    }
}
