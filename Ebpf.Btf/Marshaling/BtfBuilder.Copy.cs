namespace Ebpf.Btf.Marshaling;

public sealed partial class BtfBuilder
{
    private const byte Unvisited = 0;
    private const byte Expanded = 1;
    private const byte Done = 2;

    private readonly Dictionary<BtfSpec, SourceMap> _sources = new(ReferenceEqualityComparer.Instance);
    private readonly List<int> _slots = new();

    /// <summary>
    /// Copies a type of a parsed spec and, transitively, every type it refers to; identical records are
    /// stored once and each (spec, id) is copied once. Types of this builder's <see cref="Base"/> (when
    /// <paramref name="source"/> is the base or split over it) are referred to, not copied.
    /// </summary>
    /// <param name="source">The spec holding the type.</param>
    /// <param name="id">Its id in <paramref name="source"/>.</param>
    /// <returns>The type's id in this builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is past the source's last id.</exception>
    /// <exception cref="BtfBuilderException">The types do not fit the format's limits.</exception>
    public uint Add(BtfSpec source, uint id)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(id, source.LastTypeId);
        if (id == 0 || IsShared(source, id))
        {
            return id;
        }

        var map = Map(source);
        if (map.States[id] == Done)
        {
            return map.Ids[id];
        }

        int recordCount = _records.Count;
        var strings = _strings.Mark();
        try
        {
            CopyGraph(source, id, map);
        }
        catch
        {
            Rollback(recordCount, strings, map);
            throw;
        }

        return map.Ids[id];
    }

    /// <summary>Copies a type and what it refers to, depth first with an explicit stack (no recursion limit).</summary>
    private void CopyGraph(BtfSpec source, uint id, SourceMap map)
    {
        var stack = new Stack<uint>();
        stack.Push(id);
        while (stack.Count > 0)
        {
            uint top = stack.Peek();
            switch (map.States[top])
            {
                case Done:
                    stack.Pop();
                    break;
                case Unvisited:
                    if (TryMatchComposite(source, top, map))
                    {
                        stack.Pop();
                        break;
                    }

                    map.States[top] = Expanded;
                    var record = CopyRecord(source, top, map);
                    map.Records[top] = record;
                    BtfRecordLayout.TypeSlots(record, _slots);
                    for (int i = _slots.Count - 1; i >= 0; i--)
                    {
                        uint target = record[_slots[i]];
                        if (target != 0 && !IsShared(source, target) && map.States[target] == Unvisited)
                        {
                            stack.Push(target);
                        }
                    }

                    break;
                default:
                    stack.Pop();
                    Finish(source, top, map);
                    break;
            }
        }
    }

    /// <summary>Forgets the types and strings a failed copy added, so the builder is as it was before the call.</summary>
    private void Rollback(int recordCount, (int Count, int Length) strings, SourceMap map)
    {
        _strings.Rewind(strings);
        uint stringEnd = _strings.OffsetBase + (uint)_strings.Length;
        foreach (var (from, to) in map.Strings.ToArray())
        {
            if (to >= stringEnd)
            {
                map.Strings.Remove(from);
            }
        }

        uint firstNew = FirstTypeId + (uint)recordCount;
        for (int i = 0; i < map.Ids.Length; i++)
        {
            if (map.States[i] != Done || map.Ids[i] >= firstNew)
            {
                map.Ids[i] = 0;
                map.States[i] = Unvisited;
                map.Records[i] = null;
            }
        }

        for (int i = recordCount; i < _records.Count; i++)
        {
            if (_records[i] is { } record && _known.TryGetValue(record, out uint known) && known >= firstNew)
            {
                _known.Remove(record);
            }
        }

        _records.RemoveRange(recordCount, _records.Count - recordCount);
        ForgetComposites(firstNew);
    }

    /// <summary>
    /// Copies every type a spec defines, in its order and without deduplication, so each keeps its id shifted
    /// by <see cref="NextTypeId"/> - <see cref="BtfSpec.FirstTypeId"/>: into an empty builder (over the same
    /// base, for a split spec) ids stay as they were and the dump of the marshaled BTF equals the source's.
    /// </summary>
    /// <param name="source">The spec; its <see cref="BtfSpec.Base"/> must be this builder's base (or both null).</param>
    /// <returns>The id the source's first type got.</returns>
    /// <exception cref="ArgumentException">The source's base is not this builder's base.</exception>
    /// <exception cref="BtfBuilderException">The types do not fit the format's limits.</exception>
    public uint AddAll(BtfSpec source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!ReferenceEquals(source.Base, Base))
        {
            throw new ArgumentException("the source's base BTF must be this builder's base", nameof(source));
        }

        uint first = NextTypeId;
        if ((long)first + source.TypeCount - 1 > MaxTypeId)
        {
            throw new BtfBuilderException($"too many types: {source.TypeCount} more after id {first - 1} pass the format's limit 0x{MaxTypeId:x}");
        }

        var map = Map(source);
        var (ids, states) = ((uint[])map.Ids.Clone(), (byte[])map.States.Clone());
        uint shift = first - source.FirstTypeId;
        for (uint id = source.FirstTypeId; id <= source.LastTypeId; id++)
        {
            map.Ids[id] = id + shift;
            map.States[id] = Done;
        }

        int recordCount = _records.Count;
        var strings = _strings.Mark();
        try
        {
            for (uint id = source.FirstTypeId; id <= source.LastTypeId; id++)
            {
                var record = CopyRecord(source, id, map);
                _records.Add(record);
                Remember(record, id + shift);
            }
        }
        catch
        {
            Rollback(recordCount, strings, map);
            ids.CopyTo(map.Ids, 0);
            states.CopyTo(map.States, 0);
            throw;
        }

        return first;
    }

    /// <summary>Whether an id of a source names a type of this builder's base, shared rather than copied.</summary>
    private bool IsShared(BtfSpec source, uint id)
    {
        if (Base is null || id > Base.LastTypeId)
        {
            return false;
        }

        for (var s = source; s is not null; s = s.Base)
        {
            if (ReferenceEquals(s, Base))
            {
                return true;
            }
        }

        return false;
    }

    private SourceMap Map(BtfSpec source)
    {
        if (!_sources.TryGetValue(source, out var map))
        {
            map = new SourceMap(source.LastTypeId + 1);
            _sources.Add(source, map);
        }

        return map;
    }

    /// <summary>The raw words of a source record, with its names moved into this builder's string table.</summary>
    private uint[] CopyRecord(BtfSpec source, uint id, SourceMap map)
    {
        var r = source.Record(id);
        int extra = BtfRecordLayout.ExtraWords(r.Kind, r.Vlen);
        var record = new uint[3 + extra];
        record[0] = r.NameOffset;
        record[1] = r.Info;
        record[2] = r.SizeOrType;
        for (int i = 0; i < extra; i++)
        {
            record[3 + i] = r.Word(i);
        }

        BtfRecordLayout.NameSlots(record, _slots);
        foreach (int slot in _slots)
        {
            record[slot] = CopyString(source, record[slot], map);
        }

        if (map.States[id] == Done)
        {
            // Order-preserving copy: every reference already has its final id.
            BtfRecordLayout.TypeSlots(record, _slots);
            foreach (int slot in _slots)
            {
                uint target = record[slot];
                record[slot] = target == 0 || IsShared(source, target) ? target : map.Ids[target];
            }
        }

        return record;
    }

    private uint CopyString(BtfSpec source, uint offset, SourceMap map)
    {
        if (offset == 0)
        {
            return 0;
        }

        if (!map.Strings.TryGetValue(offset, out uint copied))
        {
            copied = _strings.Add(source.GetString(offset));
            map.Strings.Add(offset, copied);
        }

        return copied;
    }

    /// <summary>Gives an expanded type its builder id once everything it refers to has one (or is on a cycle).</summary>
    private void Finish(BtfSpec source, uint id, SourceMap map)
    {
        var record = map.Records[id]!;
        map.Records[id] = null;
        BtfRecordLayout.TypeSlots(record, _slots);
        foreach (int slot in _slots)
        {
            uint target = record[slot];
            if (target == 0 || IsShared(source, target))
            {
                continue;
            }

            if (map.Ids[target] == 0)
            {
                // The target is still expanding: a cycle. Reserve its id now; it fills the slot when it finishes.
                map.Ids[target] = Append(null);
            }

            record[slot] = map.Ids[target];
        }

        map.States[id] = Done;
        if (map.Ids[id] != 0)
        {
            _records[(int)(map.Ids[id] - FirstTypeId)] = record;
            Remember(record, map.Ids[id]);
        }
        else
        {
            map.Ids[id] = Intern(record);
        }
    }

    /// <summary>What the builder knows of one source spec: builder ids, copy states, copied strings.</summary>
    private sealed class SourceMap
    {
        internal SourceMap(uint length)
        {
            Ids = new uint[length];
            States = new byte[length];
            Records = new uint[]?[length];
        }

        internal uint[] Ids { get; }

        internal byte[] States { get; }

        internal uint[]?[] Records { get; }

        internal Dictionary<uint, uint> Strings { get; } = new();
    }
}
