using System.Runtime.InteropServices;

namespace Ebpf.Btf.Marshaling;

public sealed partial class BtfBuilder
{
    /// <summary>Structs and unions by (name, info, size): the candidates a copied struct may already exist as.</summary>
    private readonly Dictionary<(uint Name, uint Info, uint Size), List<uint>> _composites = new();
    private readonly Dictionary<uint, uint> _hypothesis = new();
    private readonly Stack<(uint Source, uint Target)> _pairs = new();

    /// <summary>Registers a stored record for deduplication: by content, and structs and unions by shape.</summary>
    private void Remember(uint[] record, uint id)
    {
        _known.TryAdd(record, id);
        if (BtfRecordLayout.Kind(record[1]) is BtfKind.Struct or BtfKind.Union)
        {
            ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(_composites, (record[0], record[1], record[2]), out _);
            (list ??= new List<uint>()).Add(id);
        }
    }

    /// <summary>Forgets the shapes of types with ids from <paramref name="firstNew"/> on.</summary>
    private void ForgetComposites(uint firstNew)
    {
        foreach (var list in _composites.Values)
        {
            list.RemoveAll(id => id >= firstNew);
        }
    }

    /// <summary>
    /// Looks for a struct or union already in the builder whose whole type graph equals the graph of a source
    /// struct or union not copied yet (cycles included, as libbpf's dedup compares them: a pair assumed equal
    /// while it is being compared). On success every source type of the graph maps to its builder twin.
    /// </summary>
    private bool TryMatchComposite(BtfSpec source, uint id, SourceMap map)
    {
        var r = source.Record(id);
        if (r.Kind is not (BtfKind.Struct or BtfKind.Union) || !TryFindName(source, r.NameOffset, map, out uint name)
            || !_composites.TryGetValue((name, r.Info, r.SizeOrType), out var candidates))
        {
            return false;
        }

        foreach (uint candidate in candidates)
        {
            if (Equivalent(source, id, candidate, map))
            {
                foreach (var (from, to) in _hypothesis)
                {
                    map.Ids[from] = to;
                    map.States[from] = Done;
                }

                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the graph from source type <paramref name="sourceId"/> equals the builder's graph from
    /// <paramref name="targetId"/>; fills <see cref="_hypothesis"/> with the pairs when it does.</summary>
    private bool Equivalent(BtfSpec source, uint sourceId, uint targetId, SourceMap map)
    {
        _hypothesis.Clear();
        _pairs.Clear();
        _pairs.Push((sourceId, targetId));
        while (_pairs.Count > 0)
        {
            var (s, t) = _pairs.Pop();
            if (s == 0 || IsShared(source, s))
            {
                if (s != t)
                {
                    return false;
                }

                continue;
            }

            if (map.States[s] == Done || _hypothesis.ContainsKey(s))
            {
                if ((map.States[s] == Done ? map.Ids[s] : _hypothesis[s]) != t)
                {
                    return false;
                }

                continue;
            }

            if (map.States[s] != Unvisited || t < FirstTypeId || t >= NextTypeId || _records[(int)(t - FirstTypeId)] is not { } target)
            {
                return false;
            }

            var r = source.Record(s);
            int extra = BtfRecordLayout.ExtraWords(r.Kind, r.Vlen);
            if (target.Length != 3 + extra || target[1] != r.Info)
            {
                return false;
            }

            var words = new uint[target.Length];
            words[0] = r.NameOffset;
            words[1] = r.Info;
            words[2] = r.SizeOrType;
            for (int i = 0; i < extra; i++)
            {
                words[3 + i] = r.Word(i);
            }

            BtfRecordLayout.NameSlots(words, _slots);
            foreach (int slot in _slots)
            {
                if (!TryFindName(source, words[slot], map, out uint offset) || offset != target[slot])
                {
                    return false;
                }

                words[slot] = offset;
            }

            BtfRecordLayout.TypeSlots(words, _slots);
            foreach (int slot in _slots)
            {
                _pairs.Push((words[slot], target[slot]));
                words[slot] = target[slot];
            }

            if (!words.AsSpan().SequenceEqual(target))
            {
                return false;
            }

            _hypothesis[s] = t;
        }

        return true;
    }

    /// <summary>The builder's offset of a source string, without adding it.</summary>
    private bool TryFindName(BtfSpec source, uint offset, SourceMap map, out uint found)
    {
        if (offset == 0)
        {
            found = 0;
            return true;
        }

        return map.Strings.TryGetValue(offset, out found) || _strings.TryFind(source.GetString(offset), out found);
    }
}
