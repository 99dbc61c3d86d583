namespace Ebpf.Btf;

public sealed partial class BtfSpec
{
    /// <summary>Ids a type refers to directly, in record order (<c>void</c> included as 0).</summary>
    /// <param name="id">A type id.</param>
    /// <returns>The referenced ids: pointee, element and index, members, return and parameters, variables, tag target.</returns>
    public IReadOnlyList<uint> GetReferencedIds(uint id)
    {
        CheckId(id);
        var into = new List<uint>();
        AddReferences(id, into);
        return into;
    }

    /// <summary>Every type reachable from <paramref name="rootId"/>, each once, depth first in record order,
    /// the root first; <c>void</c> is left out. Cycles (a struct pointing to itself) are fine and deep
    /// chains use no call stack.</summary>
    /// <param name="rootId">Where to start.</param>
    /// <returns>The reachable type ids.</returns>
    public IEnumerable<uint> Walk(uint rootId)
    {
        CheckId(rootId);
        return WalkFrom(rootId);
    }

    private IEnumerable<uint> WalkFrom(uint rootId)
    {
        var seen = new HashSet<uint> { 0 };
        var stack = new Stack<uint>();
        var children = new List<uint>();
        stack.Push(rootId);
        while (stack.Count > 0)
        {
            uint id = stack.Pop();
            if (!seen.Add(id))
            {
                continue;
            }

            yield return id;
            children.Clear();
            AddReferences(id, children);
            for (int i = children.Count - 1; i >= 0; i--)
            {
                if (!seen.Contains(children[i]))
                {
                    stack.Push(children[i]);
                }
            }
        }
    }

    private void AddReferences(uint id, List<uint> into)
    {
        if (id == 0)
        {
            return;
        }

        var r = Record(id);
        switch (r.Kind)
        {
            case BtfKind.Pointer or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict
                or BtfKind.TypeTag or BtfKind.Func or BtfKind.Var or BtfKind.DeclTag:
                into.Add(r.SizeOrType);
                break;
            case BtfKind.Array:
                into.Add(r.Word(0));
                into.Add(r.Word(1));
                break;
            case BtfKind.Struct or BtfKind.Union:
                for (int i = 0; i < r.Vlen; i++)
                {
                    into.Add(r.Word((3 * i) + 1));
                }

                break;
            case BtfKind.FuncProto:
                into.Add(r.SizeOrType);
                for (int i = 0; i < r.Vlen; i++)
                {
                    into.Add(r.Word((2 * i) + 1));
                }

                break;
            case BtfKind.DataSec:
                for (int i = 0; i < r.Vlen; i++)
                {
                    into.Add(r.Word(3 * i));
                }

                break;
        }
    }
}
