using System.Collections;
using System.Text;

namespace Ebpf.Elf;

/// <summary>
/// A symbol table (<c>SHT_SYMTAB</c> or <c>SHT_DYNSYM</c>) read in place: entries are decoded on access
/// and enumeration does not allocate. The reader has validated every entry's name offset and section index.
/// </summary>
public sealed class ElfSymbolTable : IReadOnlyList<ElfSymbol>
{
    /// <summary>Size in bytes of one <c>Elf64_Sym</c>.</summary>
    public const int EntrySize = 24;

    private readonly ReadOnlyMemory<byte> _data;
    private readonly ReadOnlyMemory<byte> _extendedIndices;
    private readonly ElfByteOrder _byteOrder;

    internal ElfSymbolTable(ElfSection? section, ReadOnlyMemory<byte> data, ElfStringTable strings, ReadOnlyMemory<byte> extendedIndices, ElfByteOrder byteOrder)
    {
        Section = section;
        this._data = data;
        Strings = strings;
        this._extendedIndices = extendedIndices;
        this._byteOrder = byteOrder;
        Count = data.Length / EntrySize;
    }

    /// <summary>A table with no symbols, for files without one.</summary>
    public static ElfSymbolTable Empty { get; } = new(null, ReadOnlyMemory<byte>.Empty, default, ReadOnlyMemory<byte>.Empty, ElfByteOrder.LittleEndian);

    /// <summary>The section holding the table, or null for <see cref="Empty"/>.</summary>
    public ElfSection? Section { get; }

    /// <summary>The string table holding the symbol names (the section named by <c>sh_link</c>).</summary>
    public ElfStringTable Strings { get; }

    /// <summary>Number of entries, including the null symbol at index 0.</summary>
    public int Count { get; }

    /// <summary>The symbol at <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="Count"/>.</exception>
    public ElfSymbol this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return Read(index);
        }
    }

    /// <summary>Finds the first symbol whose name is <paramref name="name"/>.</summary>
    public bool TryFind(string name, out ElfSymbol symbol)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TryFind(Encoding.UTF8.GetBytes(name), out symbol);
    }

    /// <summary>Finds the first symbol whose UTF-8 name is <paramref name="utf8Name"/>; does not allocate.</summary>
    public bool TryFind(ReadOnlySpan<byte> utf8Name, out ElfSymbol symbol)
    {
        var span = _data.Span;
        for (var i = 0; i < Count; i++)
        {
            var nameOffset = ElfBinary.U32(span, i * EntrySize, _byteOrder);
            if (Strings.Matches(nameOffset, utf8Name))
            {
                symbol = Read(i);
                return true;
            }
        }

        symbol = default;
        return false;
    }

    /// <summary>Returns an allocation-free enumerator over the symbols.</summary>
    public Enumerator GetEnumerator() => new(this);

    IEnumerator<ElfSymbol> IEnumerable<ElfSymbol>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Raw <c>st_shndx</c> of entry <paramref name="index"/>, before <c>SHN_XINDEX</c> is resolved.</summary>
    internal ushort RawSectionIndex(int index) => ElfBinary.U16(_data.Span, (index * EntrySize) + 6, _byteOrder);

    /// <summary>Number of entries in the <c>SHT_SYMTAB_SHNDX</c> table, 0 when there is none.</summary>
    internal int ExtendedIndexCount => _extendedIndices.Length / 4;

    private ElfSymbol Read(int index)
    {
        var span = _data.Span.Slice(index * EntrySize, EntrySize);
        uint shndx = ElfBinary.U16(span, 6, _byteOrder);
        if (shndx == ElfSectionIndex.ExtendedIndex && index < ExtendedIndexCount)
        {
            shndx = ElfBinary.U32(_extendedIndices.Span, index * 4, _byteOrder);
        }

        return new ElfSymbol(
            this,
            index,
            ElfBinary.U32(span, 0, _byteOrder),
            span[4],
            span[5],
            shndx,
            ElfBinary.U64(span, 8, _byteOrder),
            ElfBinary.U64(span, 16, _byteOrder));
    }

    /// <summary>An allocation-free enumerator over a symbol table.</summary>
    public struct Enumerator : IEnumerator<ElfSymbol>
    {
        private readonly ElfSymbolTable _table;
        private int _index;

        internal Enumerator(ElfSymbolTable table)
        {
            this._table = table;
            _index = -1;
        }

        /// <summary>The current symbol.</summary>
        public readonly ElfSymbol Current => _table.Read(_index);

        readonly object IEnumerator.Current => Current;

        /// <summary>Advances to the next symbol.</summary>
        public bool MoveNext() => ++_index < _table.Count;

        /// <summary>Restarts the enumeration.</summary>
        public void Reset() => _index = -1;

        /// <summary>Does nothing.</summary>
        public readonly void Dispose()
        {
        }
    }
}
