using Ebpf.Kernel;
using Ebpf.Tests.Shared;
using Ebpf.Kernel.Interop;

namespace Ebpf.Tests.Kernel.Readers;

/// <summary>
/// Loads one function of a compiled test object (tests/bpf) with the low-level API: its instructions with each map
/// reference pointed at a map the test created (<see cref="ElfFunctionCode"/>).
/// </summary>
internal static class ElfTestLoader
{
    public static BpfFileDescriptor Load(IBpfSyscalls sys, string objectName, string function, BpfProgramType type,
        IReadOnlyDictionary<string, BpfFileDescriptor> maps)
    {
        byte[] code = ElfFunctionCode.Read(TestPrograms.Path(objectName), function, maps);
        var log = new byte[1 << 20];
        return KernelPrograms.LoadProgram(sys, type, code, log, function.Length > 15 ? function[..15] : function);
    }
}
