namespace Ebpf.Btf.CFormat;

/// <summary>
/// Turns BTF types into C declarations, keeping track of what it already wrote so each type is declared once and
/// before it is used (libbpf's <c>btf_dump</c>). <see cref="BtfCWriter"/> uses one to write a whole header; use one
/// directly to write chosen types or single declarations.
/// </summary>
/// <remarks>
/// Each <see cref="DumpType"/> call makes two passes. The ordering pass walks the type graph depth first and queues
/// every type that needs a top-level definition after the types it embeds; a struct or union reached through a
/// pointer only needs a name, so cycles through pointers are fine. The output pass writes the queued types,
/// writing a forward declaration whenever a type is referred to while its own definition is still being prepared.
/// Both passes and the declarator writer keep their own stacks, so deep type graphs cost no call stack.
/// Names that repeat (two <c>struct foo</c>, or an enumerator that is also a typedef) get <c>___2</c>, <c>___3</c>
/// suffixes in the order they are written, as bpftool does. Not thread safe.
/// </remarks>
public sealed partial class BtfCDumper
{
    private readonly BtfSpec _spec;
    private readonly TextWriter _output;
    private readonly int _pointerSize;
    private readonly bool _enumSizeAttributes;
    private readonly CTypeState[] _states;
    private readonly string?[] _uniqueNames;
    private readonly List<uint> _queue = [];

    /// <summary>Prepares to write the types of a BTF.</summary>
    /// <param name="spec">The BTF (for split BTF, its base's types are included).</param>
    /// <param name="output">Where the C text goes.</param>
    /// <param name="options">Settings (only <see cref="BtfCWriterOptions.EnumSizeAttributes"/> matters here), or null for the defaults.</param>
    public BtfCDumper(BtfSpec spec, TextWriter output, BtfCWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(output);
        _spec = spec;
        _output = output;
        _pointerSize = spec.PointerSize;
        _enumSizeAttributes = (options ?? BtfCWriterOptions.Default).EnumSizeAttributes;
        _states = new CTypeState[spec.LastTypeId + 1];
        _uniqueNames = new string?[spec.LastTypeId + 1];
        _states[0].Order = CTypeOrder.Ordered;
        _states[0].Emit = CTypeEmit.Emitted;
        for (uint id = 1; id <= spec.LastTypeId; id++)
        {
            MarkReferenced(spec[id]);
        }
    }

    /// <summary>Writes a type and every type it needs that was not written yet, each followed by a blank line.
    /// Types that only exist inside others (pointers, arrays, anonymous structs, functions...) write nothing themselves.</summary>
    /// <param name="id">The type id.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is past <see cref="BtfSpec.LastTypeId"/>.</exception>
    /// <exception cref="BtfFormatException">The types cannot be written as C, e.g. a struct contains itself.</exception>
    public void DumpType(uint id)
    {
        if (id > _spec.LastTypeId)
        {
            throw new ArgumentOutOfRangeException(nameof(id), id, $"type ids run 0..{_spec.LastTypeId}");
        }

        _queue.Clear();
        Order(id);
        foreach (uint queued in _queue)
        {
            EmitTopLevel(queued);
        }
    }

    /// <summary>Writes a declaration of <paramref name="name"/> with a type, in C declarator syntax: <c>int x</c>,
    /// <c>char *(*handlers[4])(void *ctx)</c>, or just the type when the name is empty. Anonymous structs, unions
    /// and enums are written out in full; named ones are referred to by name, whether or not they were written.</summary>
    /// <param name="typeId">The type id.</param>
    /// <param name="name">The declared name, or an empty string.</param>
    /// <param name="indent">Tabs before the lines of written-out anonymous types.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="typeId"/> is past <see cref="BtfSpec.LastTypeId"/>.</exception>
    public void WriteDeclaration(uint typeId, string name, int indent = 0)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (typeId > _spec.LastTypeId)
        {
            throw new ArgumentOutOfRangeException(nameof(typeId), typeId, $"type ids run 0..{_spec.LastTypeId}");
        }

        RunDeclarations(DeclarationWork.Declaration(typeId, name, Math.Max(0, indent)));
    }

    /// <summary>The type a pointer, qualifier, typedef, function, variable or tag refers to; 0 for other kinds.</summary>
    private static uint Target(BtfType type) => type switch
    {
        BtfPointer p => p.TypeId,
        BtfConst c => c.TypeId,
        BtfVolatile v => v.TypeId,
        BtfRestrict r => r.TypeId,
        BtfTypeTag t => t.TypeId,
        BtfTypedef t => t.TypeId,
        BtfFunc f => f.PrototypeId,
        BtfVar v => v.TypeId,
        BtfDeclTag d => d.TypeId,
        _ => 0,
    };

    private void MarkReferenced(BtfType type)
    {
        switch (type)
        {
            case BtfArray a:
                _states[a.IndexTypeId].Referenced = true;
                _states[a.ElementTypeId].Referenced = true;
                break;
            case BtfComposite c:
                foreach (var m in c.Members)
                {
                    _states[m.TypeId].Referenced = true;
                }

                break;
            case BtfFuncProto p:
                // As in libbpf, only the parameters count: an anonymous enum used just as a return type stays top-level.
                foreach (var parameter in p.Parameters)
                {
                    _states[parameter.TypeId].Referenced = true;
                }

                break;
            case BtfDataSec d:
                foreach (var v in d.Variables)
                {
                    _states[v.TypeId].Referenced = true;
                }

                break;
            case BtfPointer or BtfConst or BtfVolatile or BtfRestrict or BtfTypeTag or BtfTypedef or BtfFunc or BtfVar or BtfDeclTag:
                _states[Target(type)].Referenced = true;
                break;
        }
    }

    /// <summary>Tabs for an indent level; libbpf caps them at 13.</summary>
    private static string Indent(int level) => Tabs[Math.Min(level, Tabs.Length - 1)];

    private static readonly string[] Tabs = Enumerable.Range(0, 14).Select(n => new string('\t', n)).ToArray();
}
