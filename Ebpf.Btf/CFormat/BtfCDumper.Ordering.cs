namespace Ebpf.Btf.CFormat;

public sealed partial class BtfCDumper
{
    /// <summary>Result of <see cref="BeginOrder"/> when it pushed a frame whose dependencies still have to be walked.</summary>
    private const int Pending = -1;

    private OrderFrame[] _orderStack = new OrderFrame[64];
    private int _orderDepth;

    /// <summary>
    /// Topologically sorts a type and its dependencies into <see cref="_queue"/>. A dependency is strong (result 1)
    /// when it must be fully defined before the type that uses it and weak (0) when a forward declaration will do:
    /// the path to it goes through a pointer and reaches a named type.
    /// </summary>
    private void Order(uint root)
    {
        _orderDepth = 0;
        int result = BeginOrder(root, throughPointer: false);
        while (_orderDepth > 0)
        {
            ref var frame = ref _orderStack[_orderDepth - 1];
            var type = _spec[frame.Id];
            if (frame.Next > 0)
            {
                frame.Strong = type is BtfFuncProto ? frame.Strong | (result > 0 ? 1 : 0) : result;
            }

            if (NextDependency(type, frame.Next, frame.ThroughPointer, out uint child, out bool childThroughPointer))
            {
                frame.Next++;
                result = BeginOrder(child, childThroughPointer); // may grow the stack: frame is not used after this
                continue;
            }

            _orderDepth--;
            result = FinishOrder(type, frame.ThroughPointer, frame.Strong);
        }
    }

    /// <summary>Orders a type that needs no walking, or pushes a frame for one that does and returns <see cref="Pending"/>.</summary>
    private int BeginOrder(uint id, bool throughPointer)
    {
        for (uint steps = 0; ; steps++)
        {
            ref var state = ref _states[id];
            if (state.Order == CTypeOrder.Ordered)
            {
                return 1;
            }

            var type = _spec[id];
            if (state.Order == CTypeOrder.Ordering)
            {
                if (type is BtfComposite && throughPointer && type.Name.Length != 0)
                {
                    return 0; // a loop, but a forward declaration breaks it
                }

                throw new BtfFormatException($"unsatisfiable type cycle through type {id} ({type.Kind})", 0);
            }

            switch (type)
            {
                case BtfInt or BtfFloat:
                    state.Order = CTypeOrder.Ordered;
                    return 0;
                case BtfArray or BtfConst or BtfVolatile or BtfRestrict or BtfTypeTag:
                    if (steps > _spec.LastTypeId)
                    {
                        throw new BtfFormatException($"type {id} ({type.Kind}) is part of a reference cycle", 0);
                    }

                    throughPointer &= type is not BtfArray;
                    id = type is BtfArray a ? a.ElementTypeId : Target(type);
                    continue;
                case BtfComposite c:
                    if (throughPointer && c.Name.Length != 0)
                    {
                        return 0;
                    }

                    state.Order = CTypeOrder.Ordering;
                    break;
                case BtfEnumeration or BtfForward:
                    if (type.Name.Length != 0 || !state.Referenced)
                    {
                        _queue.Add(id);
                    }

                    state.Order = CTypeOrder.Ordered;
                    return 1;
                case BtfPointer or BtfTypedef or BtfFuncProto:
                    break;
                default: // functions, variables, data sections, declaration tags
                    state.Order = CTypeOrder.Ordered;
                    return 0;
            }

            if (_orderDepth > _spec.LastTypeId)
            {
                throw new BtfFormatException($"type {id} ({type.Kind}) refers to itself through pointers and typedefs", 0);
            }

            if (_orderDepth == _orderStack.Length)
            {
                Array.Resize(ref _orderStack, _orderStack.Length * 2);
            }

            _orderStack[_orderDepth++] = new OrderFrame { Id = id, ThroughPointer = throughPointer };
            return Pending;
        }
    }

    /// <summary>The dependency number <paramref name="index"/> of a frame's type and how it is reached, if there is one.</summary>
    private static bool NextDependency(BtfType type, int index, bool throughPointer, out uint child, out bool childThroughPointer)
    {
        child = 0;
        childThroughPointer = throughPointer;
        switch (type)
        {
            case BtfPointer p when index == 0:
                child = p.TypeId;
                childThroughPointer = true;
                return true;
            case BtfTypedef t when index == 0:
                child = t.TypeId;
                return true;
            case BtfComposite c when index < c.Members.Count:
                child = c.Members[index].TypeId;
                childThroughPointer = false;
                return true;
            case BtfFuncProto f when index <= f.Parameters.Count:
                child = index == 0 ? f.ReturnTypeId : f.Parameters[index - 1].TypeId;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Completes a frame once its dependencies are ordered and returns its result.</summary>
    private int FinishOrder(BtfType type, bool throughPointer, int strong)
    {
        ref var state = ref _states[type.Id];
        switch (type)
        {
            case BtfPointer:
                state.Order = CTypeOrder.Ordered;
                return strong;
            case BtfComposite:
                if (type.Name.Length != 0)
                {
                    _queue.Add(type.Id);
                }

                state.Order = CTypeOrder.Ordered;
                return 1;
            case BtfTypedef:
                if (throughPointer && strong == 0)
                {
                    return 0;
                }

                _queue.Add(type.Id);
                state.Order = CTypeOrder.Ordered;
                return 1;
            default: // function prototype
                return strong;
        }
    }
}
