using System.Collections;

namespace Ebpf.Elf;

/// <summary>
/// A relocation section (<c>SHT_REL</c> or <c>SHT_RELA</c>) read in place. The reader has validated
/// that every entry's symbol index is inside <see cref="Symbols"/>.
/// </summary>
public sealed class ElfRelocationTable : IReadOnlyList<ElfRelocation>
{
    /// <summary>Size in bytes of one <c>Elf64_Rel</c>.</summary>
    public const int RelEntrySize = 16;

    /// <summary>Size in bytes of one <c>Elf64_Rela</c>.</summary>
    public const int RelaEntrySize = 24;

    private readonly ReadOnlyMemory<byte> _data;
    private readonly ElfByteOrder _byteOrder;
    private readonly int _entrySize;

    internal ElfRelocationTable(ElfSection section, ElfSection? target, ElfSymbolTable symbols, ElfByteOrder byteOrder)
    {
        Section = section;
        TargetSection = target;
        Symbols = symbols;
        this._byteOrder = byteOrder;
        _data = section.Data;
        HasAddends = section.Type == ElfSectionType.Rela;
        _entrySize = HasAddends ? RelaEntrySize : RelEntrySize;
        Count = _data.Length / _entrySize;
    }

    /// <summary>The relocation section.</summary>
    public ElfSection Section { get; }

    /// <summary>The section the relocations apply to (<c>sh_info</c>), or null when <c>sh_info</c> is 0 (as in <c>.rela.dyn</c>).</summary>
    public ElfSection? TargetSection { get; }

    /// <summary>The symbol table the entries refer to (<c>sh_link</c>); <see cref="ElfSymbolTable.Empty"/> when <c>sh_link</c> is 0.</summary>
    public ElfSymbolTable Symbols { get; }

    /// <summary>True for <c>SHT_RELA</c> (entries carry an explicit addend).</summary>
    public bool HasAddends { get; }

    /// <summary>Number of entries.</summary>
    public int Count { get; }

    /// <summary>The relocation at <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="Count"/>.</exception>
    public ElfRelocation this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return Read(index);
        }
    }

    /// <summary>The symbol a relocation refers to; the default (empty) symbol for index 0 when there is no symbol table.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The relocation's symbol index is not in <see cref="Symbols"/> (it does not come from this table).</exception>
    public ElfSymbol GetSymbol(in ElfRelocation relocation) =>
        relocation.SymbolIndex < (uint)Symbols.Count
            ? Symbols[(int)relocation.SymbolIndex]
            : relocation.SymbolIndex == 0
                ? default
                : throw new ArgumentOutOfRangeException(nameof(relocation), $"symbol index {relocation.SymbolIndex} is outside the {Symbols.Count}-entry symbol table");

    /// <summary>Returns an allocation-free enumerator over the relocations.</summary>
    public Enumerator GetEnumerator() => new(this);

    IEnumerator<ElfRelocation> IEnumerable<ElfRelocation>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private ElfRelocation Read(int index)
    {
        var span = _data.Span.Slice(index * _entrySize, _entrySize);
        return new ElfRelocation(
            ElfBinary.U64(span, 0, _byteOrder),
            ElfBinary.U64(span, 8, _byteOrder),
            HasAddends ? unchecked((long)ElfBinary.U64(span, 16, _byteOrder)) : 0);
    }

    /// <summary>An allocation-free enumerator over a relocation table.</summary>
    public struct Enumerator : IEnumerator<ElfRelocation>
    {
        private readonly ElfRelocationTable _table;
        private int _index;

        internal Enumerator(ElfRelocationTable table)
        {
            this._table = table;
            _index = -1;
        }

        /// <summary>The current relocation.</summary>
        public readonly ElfRelocation Current => _table.Read(_index);

        readonly object IEnumerator.Current => Current;

        /// <summary>Advances to the next relocation.</summary>
        public bool MoveNext() => ++_index < _table.Count;

        /// <summary>Restarts the enumeration.</summary>
        public void Reset() => _index = -1;

        /// <summary>Does nothing.</summary>
        public readonly void Dispose()
        {
        }
    }
}
