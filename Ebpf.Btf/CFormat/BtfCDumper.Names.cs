namespace Ebpf.Btf.CFormat;

public sealed partial class BtfCDumper
{
    /// <summary>How often each struct, union, enum (and base type) name has been used.</summary>
    private readonly Dictionary<string, int> _typeNames = new(StringComparer.Ordinal);

    /// <summary>How often each typedef and enumerator name has been used.</summary>
    private readonly Dictionary<string, int> _identNames = new(StringComparer.Ordinal);

    /// <summary>The C name of a struct, union, enum or forward declaration (tag namespace).</summary>
    private string TypeName(uint id) => UniqueName(id, _typeNames);

    /// <summary>The C name of a typedef (ordinary identifier namespace).</summary>
    private string IdentName(uint id) => UniqueName(id, _identNames);

    /// <summary>The name a type is written with, chosen the first time it is asked for: the BTF name, or the BTF
    /// name with <c>___N</c> when it is the Nth type of that name. Forward declarations and enums without values
    /// always keep their name, since repeating them is harmless.</summary>
    private string UniqueName(uint id, Dictionary<string, int> names)
    {
        var type = _spec[id];
        if (type.Name.Length == 0)
        {
            return "";
        }

        ref var state = ref _states[id];
        if (!state.NameResolved)
        {
            state.NameResolved = true;
            if (type is not BtfForward && type is not BtfEnum { Values.Count: 0 })
            {
                int count = CountName(names, type.Name);
                if (count > 1)
                {
                    string unique = $"{type.Name}___{count}";
                    _uniqueNames[id] = unique.Length > 255 ? unique[..255] : unique; // libbpf's 256-byte buffer
                }
            }
        }

        return _uniqueNames[id] ?? type.Name;
    }

    /// <summary>Counts one more use of a name and returns the count.</summary>
    private static int CountName(Dictionary<string, int> names, string name)
    {
        ref int count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(names, name, out _);
        return ++count;
    }
}
