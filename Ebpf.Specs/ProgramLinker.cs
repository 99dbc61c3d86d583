using Ebpf.Asm;

namespace Ebpf.Specs;

/// <summary>
/// Links a program as libbpf does: the entry function, then each function it (or an appended function) calls
/// or takes the address of, once, in order of first reference; then every call and function pointer is resolved.
/// </summary>
internal static class ProgramLinker
{
    /// <summary>Links the function <paramref name="entry"/> with the functions it reaches.</summary>
    /// <param name="entry">The program's function.</param>
    /// <param name="sectionName">Its section, for errors.</param>
    /// <param name="functions">Every function of the object by name; bodies are copied, not changed.</param>
    /// <exception cref="ElfSpecException">A referenced function does not exist or a call is out of range.</exception>
    internal static Instructions Link(string entry, string sectionName, IReadOnlyDictionary<string, Instructions> functions)
    {
        var linked = new Instructions(functions[entry]);
        var included = new HashSet<string>(StringComparer.Ordinal) { entry };
        var pending = new List<string>(functions[entry].FunctionReferences);
        for (int i = 0; i < pending.Count; i++)
        {
            string name = pending[i];
            if (!included.Add(name))
            {
                continue;
            }

            if (!functions.TryGetValue(name, out var body))
            {
                throw new ElfSpecException($"program '{entry}' refers to unknown function '{name}'", sectionName, name);
            }

            linked.AddRange(body);
            pending.AddRange(body.FunctionReferences);
        }

        try
        {
            linked.ResolveReferences();
        }
        catch (InstructionReferenceException e)
        {
            throw new ElfSpecException($"cannot link program '{entry}': {e.Message}", sectionName, entry, e);
        }

        return linked;
    }
}
