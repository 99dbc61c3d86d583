using System.Runtime.InteropServices;
using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// A struct_ops map value <see cref="Collection.Load"/> prepared: the kernel wrapper's bytes with every member but the
/// programs set, and where each program's descriptor goes. Written (once: the kernel takes one value per map) with
/// the descriptors held open, so a program disposed meanwhile fails the write instead of leaving a reused number.
/// Its <see cref="StructOpsRegistration"/> keeps whether it was written and registered.
/// </summary>
internal sealed class StructOpsValue
{
    private readonly string _mapName;
    private readonly byte[] _template;
    private readonly (int Offset, Program Program)[] _programs;

    public StructOpsValue(string mapName, byte[] template, (int Offset, Program Program)[] programs)
    {
        _mapName = mapName;
        _template = template;
        _programs = programs;
    }

    /// <summary>Writes the value as key 0 of <paramref name="map"/>, each program descriptor held open during the call.</summary>
    /// <exception cref="ObjectDisposedException">A program of the map was disposed.</exception>
    /// <exception cref="EbpfException">The kernel refused the value.</exception>
    public void Write(Map map)
    {
        var value = (byte[])_template.Clone();
        WriteFrom(map, value, 0);
    }

    // One FdUse per program, nested: each stays held until the update returns.
    private void WriteFrom(Map map, byte[] value, int index)
    {
        if (index == _programs.Length)
        {
            Span<byte> zero = stackalloc byte[4];
            zero.Clear();
            map.Update(zero, value);
            return;
        }

        var (offset, program) = _programs[index];
        using var use = Use(program);
        ulong fd = use.Fd;
        MemoryMarshal.Write(value.AsSpan(offset), in fd); // the kernel reads the descriptor as a host-order 64-bit number
        WriteFrom(map, value, index + 1);
    }

    private FdUse Use(Program program)
    {
        try
        {
            return new FdUse(program.FileDescriptor);
        }
        catch (ObjectDisposedException e)
        {
            throw new ObjectDisposedException($"struct_ops map {_mapName}: its program {program.Name} was disposed", e);
        }
    }
}
