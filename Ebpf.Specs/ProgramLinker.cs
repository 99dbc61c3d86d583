using Ebpf.Asm;

namespace Ebpf.Specs;

/// <summary>
/// Links a program as libbpf does: the entry function, then each function it (or an appended function) calls
/// or takes the address of, once, depth first in order of first reference; then every call and function pointer
/// is resolved.
/// </summary>
/// <remarks>
/// Functions are found by key, not by name: an object linked from several compilation units may hold static
/// functions of the same name, which libbpf tells apart by section and offset. In the linked program each function
/// carries its own name; only when a program reaches two functions of one name does the later keep its key
/// (<c>name@section+0xOFFSET</c>), so that every symbol of the program is unique.
/// </remarks>
internal static class ProgramLinker
{
    /// <summary>Links the function <paramref name="entry"/> with the functions it reaches.</summary>
    /// <param name="entry">The key of the program's function.</param>
    /// <param name="sectionName">Its section, for errors.</param>
    /// <param name="functions">Every function of the object by key; bodies are copied, not changed, except the body returned whole (see remarks).</param>
    /// <exception cref="ElfSpecException">A referenced function does not exist or a call is out of range.</exception>
    /// <remarks>
    /// A function that reaches no other and is known by its own name is the whole program: its body is returned as
    /// it is, not copied (the reader makes each function's body once, and a function that calls nothing is appended to
    /// other programs only by copy).
    /// </remarks>
    internal static Instructions Link(string entry, string sectionName, IReadOnlyDictionary<string, ObjectFunction> functions)
    {
        string program = functions[entry].Name;
        if (program == entry && functions[entry].Body.FunctionReferences.Count == 0)
        {
            return Resolved(functions[entry].Body, sectionName, program);
        }

        var linked = new Instructions(functions[entry].Body);
        var included = new List<string> { entry };
        var seen = new HashSet<string>(StringComparer.Ordinal) { entry };

        // Depth first, as libbpf's bpf_object__reloc_code: a function is appended when first referenced, and its
        // own references are followed before the rest of the referencing function's.
        var stack = new Stack<(IReadOnlyList<string> References, int Next)>();
        stack.Push((functions[entry].Body.FunctionReferences, 0));
        while (stack.Count > 0)
        {
            var (references, next) = stack.Pop();
            if (next >= references.Count)
            {
                continue;
            }

            stack.Push((references, next + 1));
            string key = references[next];
            if (!seen.Add(key))
            {
                continue;
            }

            if (!functions.TryGetValue(key, out var function))
            {
                throw new ElfSpecException($"program '{program}' refers to unknown function '{key}'", sectionName, key);
            }

            included.Add(key);
            linked.AddRange(function.Body);
            stack.Push((function.Body.FunctionReferences, 0));
        }

        NameFunctions(linked, included, functions);
        return Resolved(linked, sectionName, program);
    }

    private static Instructions Resolved(Instructions linked, string sectionName, string program)
    {
        try
        {
            linked.ResolveReferences();
        }
        catch (InstructionReferenceException e)
        {
            throw new ElfSpecException($"cannot link program '{program}': {e.Message}", sectionName, program, e);
        }

        return linked;
    }

    // Gives each linked function its own name where the key differs from it, unless an earlier function of the
    // program already has that name.
    private static void NameFunctions(Instructions linked, List<string> included, IReadOnlyDictionary<string, ObjectFunction> functions)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (string key in included)
        {
            string name = functions[key].Name;
            if (taken.Add(name) && name != key)
            {
                names[key] = name;
            }
        }

        if (names.Count == 0)
        {
            return;
        }

        for (int i = 0; i < linked.Count; i++)
        {
            var insn = linked[i];
            if (insn.Symbol is { } symbol && names.TryGetValue(symbol, out var name))
            {
                insn = insn.WithSymbol(name);
            }

            if ((insn.IsFunctionCall || insn.IsLoadOfFunctionPointer) && insn.Reference is { } reference && names.TryGetValue(reference, out var target))
            {
                insn = insn.WithReference(target);
            }

            linked[i] = insn;
        }
    }
}
