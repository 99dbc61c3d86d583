namespace Ebpf.Btf.CFormat;

public sealed partial class BtfCDumper
{
    private readonly Stack<DeclarationWork> _work = new();
    private int _workLimit;

    /// <summary>Runs a declaration step and every step it leads to.</summary>
    private void RunDeclarations(DeclarationWork first)
    {
        if (_workLimit == 0)
        {
            // Each pending step stands for a member, parameter or type record on the path being written, so a
            // stack bigger than the type sections can only come from a type that contains itself.
            long bytes = 0;
            for (var spec = _spec; spec is not null; spec = spec.Base)
            {
                bytes += spec.Header.TypeLength;
            }

            _workLimit = (int)Math.Min(int.MaxValue, (bytes / 2) + 64);
        }

        _work.Clear(); // left over only if an earlier call threw
        _work.Push(first);
        while (_work.TryPop(out var item))
        {
            switch (item.Kind)
            {
                case DeclarationWorkKind.Text:
                    _output.Write(item.Text);
                    break;
                case DeclarationWorkKind.Composite:
                    PushCompositeDefinition((BtfComposite)_spec[item.Id], item.Level);
                    break;
                case DeclarationWorkKind.Declaration:
                    ContinueChain(StartChain(item.Id, item.Text!, item.Level));
                    break;
                case DeclarationWorkKind.Resume:
                    ContinueChain(item.Chain!);
                    break;
            }
        }
    }

    private void Push(DeclarationWork work)
    {
        if (_work.Count >= _workLimit)
        {
            _work.Clear();
            throw new BtfFormatException("a declaration contains itself (an anonymous type or function prototype refers to itself)", 0);
        }

        _work.Push(work);
    }

    /// <summary>Collects the chain of types of a declarator, from the outermost (the declared name's type) to the
    /// first named or base type.</summary>
    private DeclarationChain StartChain(uint id, string name, int level)
    {
        var ids = new List<uint>(4);
        while (true)
        {
            ids.Add(id);
            if (id == 0)
            {
                break;
            }

            if (ids.Count > _spec.LastTypeId + 1)
            {
                throw new BtfFormatException($"type {id} ({_spec[id].Kind}) is part of a reference cycle", 0);
            }

            var type = _spec[id];
            switch (type)
            {
                case BtfPointer or BtfConst or BtfVolatile or BtfRestrict or BtfTypeTag:
                    id = Target(type);
                    continue;
                case BtfFuncProto f:
                    id = f.ReturnTypeId;
                    continue;
                case BtfArray a:
                    id = a.ElementTypeId;
                    continue;
            }

            break;
        }

        return new DeclarationChain(ids, name, level);
    }

    /// <summary>
    /// Writes a declarator from its innermost type outwards: qualifiers go left of base types and right of
    /// pointers; an array or function type below a pointer wraps what follows in parentheses. Where nested output
    /// must come first (an anonymous struct, the rest of a parenthesised declarator, parameters) the remaining
    /// work is pushed and this returns.
    /// </summary>
    private void ContinueChain(DeclarationChain chain)
    {
        while (chain.Ids.Count > 0)
        {
            uint id = chain.Pop();
            if (id == 0)
            {
                WriteModifiers(chain);
                _output.Write("void");
                chain.LastWasPointer = false;
                continue;
            }

            var type = _spec[id];
            switch (type)
            {
                case BtfInt or BtfFloat:
                    WriteModifiers(chain);
                    _output.Write(type.Name);
                    break;
                case BtfComposite c:
                    WriteModifiers(chain);
                    if (c.Name.Length == 0)
                    {
                        chain.LastWasPointer = false;
                        Push(DeclarationWork.Resume(chain));
                        Push(DeclarationWork.Composite(id, chain.Level));
                        return;
                    }

                    WriteCompositeForward(c);
                    break;
                case BtfEnumeration e:
                    WriteModifiers(chain);
                    if (e.Name.Length == 0)
                    {
                        WriteEnumDefinition(e, chain.Level);
                    }
                    else
                    {
                        _output.Write("enum ");
                        _output.Write(TypeName(id));
                    }

                    break;
                case BtfForward f:
                    WriteModifiers(chain);
                    WriteForward(f);
                    break;
                case BtfTypedef:
                    WriteModifiers(chain);
                    _output.Write(IdentName(id));
                    break;
                case BtfPointer:
                    _output.Write(chain.LastWasPointer ? "*" : " *");
                    break;
                case BtfVolatile:
                    _output.Write(" volatile");
                    break;
                case BtfConst:
                    _output.Write(" const");
                    break;
                case BtfRestrict:
                    _output.Write(" restrict");
                    break;
                case BtfTypeTag:
                    WriteModifiers(chain);
                    _output.Write($" __attribute__((btf_type_tag(\"{type.Name}\")))");
                    break;
                case BtfArray a:
                    ContinueArray(chain, a);
                    return;
                case BtfFuncProto f:
                    ContinueFunction(chain, f);
                    return;
                default:
                    return; // not part of a declarator: write nothing more
            }

            chain.LastWasPointer = type is BtfPointer;
        }

        WriteName(chain);
    }

    private void ContinueArray(DeclarationChain chain, BtfArray array)
    {
        // Qualifiers on an array (GCC puts the element's there) mean nothing in C: drop them.
        DropModifiers(chain);
        string dimension = $"[{array.Count}]";
        if (chain.Ids.Count == 0)
        {
            WriteName(chain);
            _output.Write(dimension);
            return;
        }

        bool multidimensional = _spec[chain.Peek()] is BtfArray;
        if (chain.Name.Length != 0 && !chain.LastWasPointer)
        {
            _output.Write(' ');
        }

        if (!multidimensional)
        {
            _output.Write('(');
        }

        Push(DeclarationWork.Write(multidimensional ? dimension : ")" + dimension));
        chain.LastWasPointer = true;
        Push(DeclarationWork.Resume(chain));
    }

    private void ContinueFunction(DeclarationChain chain, BtfFuncProto function)
    {
        // GCC marks noreturn function pointers volatile: drop such qualifiers.
        DropModifiers(chain);
        PushParameters(function, chain.Level);
        if (chain.Ids.Count > 0)
        {
            _output.Write(" (");
            Push(DeclarationWork.Write(")"));
            chain.LastWasPointer = true;
            Push(DeclarationWork.Resume(chain));
        }
        else
        {
            WriteName(chain);
        }
    }

    /// <summary>Pushes <c>(type name, ...)</c>; <c>(void)</c> for no parameters or a single <c>void</c> one (what clang emits
    /// for <c>f(void)</c>); a trailing <c>void</c> parameter means <c>...</c>.</summary>
    private void PushParameters(BtfFuncProto function, int level)
    {
        var parameters = function.Parameters;
        if (parameters.Count == 0 || (parameters.Count == 1 && parameters[0].TypeId == 0))
        {
            Push(DeclarationWork.Write("(void)"));
            return;
        }

        Push(DeclarationWork.Write(")"));
        int last = parameters.Count - 1;
        for (int i = last; i >= 0; i--)
        {
            Push(i == last && parameters[i].TypeId == 0
                ? DeclarationWork.Write("...")
                : DeclarationWork.Declaration(parameters[i].TypeId, parameters[i].Name, level));
            if (i > 0)
            {
                Push(DeclarationWork.Write(", "));
            }
        }

        Push(DeclarationWork.Write("("));
    }

    private void WriteName(DeclarationChain chain)
    {
        if (chain.Name.Length != 0 && !chain.LastWasPointer)
        {
            _output.Write(' ');
        }

        _output.Write(chain.Name);
    }

    /// <summary>Writes the <c>const</c>/<c>volatile</c>/<c>restrict</c> on top of the chain, left of the type they qualify.</summary>
    private void WriteModifiers(DeclarationChain chain)
    {
        while (chain.Ids.Count > 0)
        {
            switch (_spec[chain.Peek()])
            {
                case BtfVolatile:
                    _output.Write("volatile ");
                    break;
                case BtfConst:
                    _output.Write("const ");
                    break;
                case BtfRestrict:
                    _output.Write("restrict ");
                    break;
                default:
                    return;
            }

            chain.Pop();
        }
    }

    private void DropModifiers(DeclarationChain chain)
    {
        while (chain.Ids.Count > 0 && _spec[chain.Peek()] is BtfVolatile or BtfConst or BtfRestrict or BtfTypeTag)
        {
            chain.Pop();
        }
    }
}
