using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Ebpf.Asm;

namespace Ebpf.Btf;

/// <summary>
/// The records of one section by instruction index, as <see cref="BtfExtInfo.Apply"/> returns them: the dictionary
/// is built on first use, so a caller that only wants the instructions annotated (reading an object) pays nothing
/// for it. A later record for the same instruction replaces an earlier one.
/// </summary>
internal sealed class RecordsByIndex<T>(IReadOnlyList<T> records, int[] slotToIndex, Func<T, uint> byteOffset) : IReadOnlyDictionary<int, T>
{
    private Dictionary<int, T>? _byIndex;

    private Dictionary<int, T> ByIndex => _byIndex ??= Build();

    public T this[int key] => ByIndex[key];

    public IEnumerable<int> Keys => ByIndex.Keys;

    public IEnumerable<T> Values => ByIndex.Values;

    public int Count => ByIndex.Count;

    public bool ContainsKey(int key) => ByIndex.ContainsKey(key);

    public bool TryGetValue(int key, [MaybeNullWhen(false)] out T value) => ByIndex.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<int, T>> GetEnumerator() => ByIndex.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // Apply checked every offset before this is built.
    private Dictionary<int, T> Build()
    {
        var byIndex = new Dictionary<int, T>(records.Count);
        foreach (var record in records)
        {
            byIndex[slotToIndex[byteOffset(record) / Instruction.SlotSize]] = record;
        }

        return byIndex;
    }
}
