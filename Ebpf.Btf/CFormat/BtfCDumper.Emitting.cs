namespace Ebpf.Btf.CFormat;

public sealed partial class BtfCDumper
{
    private EmitFrame[] _emitStack = new EmitFrame[64];
    private int _emitDepth;

    /// <summary>Writes a queued type's definition, after forward declarations or definitions of what it refers to.</summary>
    private void EmitTopLevel(uint root)
    {
        _emitDepth = 0;
        VisitForEmit(root, container: 0);
        while (_emitDepth > 0)
        {
            ref var frame = ref _emitStack[_emitDepth - 1];
            var type = _spec[frame.Id];
            if (NextEmitDependency(type, frame.Next, frame.Container, out uint child, out uint childContainer))
            {
                frame.Next++;
                VisitForEmit(child, childContainer); // may grow the stack: frame is not used after this
                continue;
            }

            _emitDepth--;
            FinishEmit(type, frame.Container);
        }
    }

    /// <summary>Handles a type met while writing: writes what can be written now and pushes a frame for a type
    /// whose dependencies come first.</summary>
    /// <param name="id">The type id.</param>
    /// <param name="container">The struct, union or typedef being defined, or 0 at top level.</param>
    private void VisitForEmit(uint id, uint container)
    {
        for (uint steps = 0; ; steps++)
        {
            ref var state = ref _states[id];
            if (state.Emit == CTypeEmit.Emitted)
            {
                return;
            }

            var type = _spec[id];
            if (state.Emit == CTypeEmit.Emitting)
            {
                EmitForward(type, container, ref state);
                return;
            }

            switch (type)
            {
                case BtfInt:
                    WriteMissingAlias(id);
                    state.Emit = CTypeEmit.Emitted;
                    return;
                case BtfEnumeration e:
                    if (container == 0)
                    {
                        WriteEnumDefinition(e, 0);
                        _output.Write(";\n\n");
                    }

                    state.Emit = CTypeEmit.Emitted;
                    return;
                case BtfPointer or BtfConst or BtfVolatile or BtfRestrict or BtfTypeTag or BtfArray:
                    if (steps > _spec.LastTypeId)
                    {
                        throw new BtfFormatException($"type {id} ({type.Kind}) is part of a reference cycle", 0);
                    }

                    id = type is BtfArray a ? a.ElementTypeId : Target(type);
                    continue;
                case BtfForward f:
                    WriteForward(f);
                    _output.Write(";\n\n");
                    state.Emit = CTypeEmit.Emitted;
                    return;
                case BtfTypedef:
                    state.Emit = CTypeEmit.Emitting;
                    PushEmitFrame(id, container);
                    return;
                case BtfComposite c:
                    state.Emit = CTypeEmit.Emitting;
                    if (container == 0 || c.Name.Length == 0)
                    {
                        // Its members will be written out here, so what they refer to must be declared first.
                        PushEmitFrame(id, container);
                        return;
                    }

                    if (!state.ForwardEmitted && id != container)
                    {
                        WriteCompositeForward(c);
                        _output.Write(";\n\n");
                        state.ForwardEmitted = true;
                    }

                    state.Emit = CTypeEmit.NotEmitted;
                    return;
                case BtfFuncProto:
                    PushEmitFrame(id, container);
                    return;
                default:
                    return;
            }
        }
    }

    /// <summary>A type is met again while its own definition is being prepared: write a forward declaration if it needs one.</summary>
    private void EmitForward(BtfType type, uint container, ref CTypeState state)
    {
        if (state.ForwardEmitted)
        {
            return;
        }

        switch (type)
        {
            case BtfComposite c:
                if (c.Id == container || c.Name.Length == 0)
                {
                    return; // a reference from inside itself, or an anonymous loop that cannot be broken
                }

                WriteCompositeForward(c);
                _output.Write(";\n\n");
                state.ForwardEmitted = true;
                break;
            case BtfTypedef t:
                // A typedef declares its name; later uses through pointers can rely on it.
                if (!IsBuiltIn(t))
                {
                    WriteTypedefDefinition(t, 0);
                    _output.Write(";\n\n");
                }

                state.ForwardEmitted = true;
                break;
        }
    }

    private void PushEmitFrame(uint id, uint container)
    {
        if (_emitDepth > _spec.LastTypeId)
        {
            throw new BtfFormatException($"type {id} ({_spec[id].Kind}) refers to itself through pointers and typedefs", 0);
        }

        if (_emitDepth == _emitStack.Length)
        {
            Array.Resize(ref _emitStack, _emitStack.Length * 2);
        }

        _emitStack[_emitDepth++] = new EmitFrame { Id = id, Container = container };
    }

    /// <summary>The dependency number <paramref name="index"/> of a frame's type and its container, if there is one.</summary>
    private static bool NextEmitDependency(BtfType type, int index, uint container, out uint child, out uint childContainer)
    {
        childContainer = container;
        switch (type)
        {
            case BtfTypedef t when index == 0:
                child = t.TypeId;
                childContainer = t.Id;
                return true;
            case BtfComposite c when index < c.Members.Count:
                child = c.Members[index].TypeId;
                childContainer = c.Name.Length == 0 ? container : c.Id;
                return true;
            case BtfFuncProto f when index <= f.Parameters.Count:
                child = index == 0 ? f.ReturnTypeId : f.Parameters[index - 1].TypeId;
                return true;
            default:
                child = 0;
                return false;
        }
    }

    /// <summary>Writes a frame's type once its dependencies are declared.</summary>
    private void FinishEmit(BtfType type, uint container)
    {
        ref var state = ref _states[type.Id];
        switch (type)
        {
            case BtfTypedef t:
                if (!state.ForwardEmitted && !IsBuiltIn(t))
                {
                    WriteTypedefDefinition(t, 0);
                    _output.Write(";\n\n");
                }

                state.Emit = CTypeEmit.Emitted;
                break;
            case BtfComposite:
                if (container == 0)
                {
                    RunDeclarations(DeclarationWork.Composite(type.Id, 0));
                    _output.Write(";\n\n");
                    state.Emit = CTypeEmit.Emitted;
                }
                else
                {
                    state.Emit = CTypeEmit.NotEmitted;
                }

                break;
        }
    }

    /// <summary><c>__builtin_va_list</c> is the compiler's own: declaring it again does not compile.</summary>
    private static bool IsBuiltIn(BtfTypedef typedef) => typedef.Name == "__builtin_va_list";
}
