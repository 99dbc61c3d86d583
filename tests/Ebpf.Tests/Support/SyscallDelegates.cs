using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

// The delegate types Moq needs to set up IBpfSyscalls and ISystemCalls members that take `in`, `ref` or `out`
// arguments (Moq's Returns/Callback cannot infer them from lambdas), declared once for every test.
namespace Ebpf.Tests;

internal delegate BpfFileDescriptor MapCreateReturn(in MapCreateAttr attr);

internal delegate void MapCreateCallback(in MapCreateAttr attr);

internal delegate Errno ElemReturn(in MapElemAttr attr);

internal delegate Errno BatchReturn(ref MapBatchAttr attr);

internal delegate BpfFileDescriptor ProgLoadReturn(ref ProgLoadAttr attr);

internal delegate void ProgLoadCallback(ref ProgLoadAttr attr);

internal delegate void ProgTestRunCallback(ref ProgTestRunAttr attr);

internal delegate void ProgAttachCallback(in ProgAttachAttr attr);

internal delegate BpfFileDescriptor BtfLoadReturn(ref BtfLoadAttr attr);

internal delegate void ObjGetInfoCallback(ref ObjGetInfoAttr attr);

internal delegate void ObjPinCallback(in ObjAttr attr);

internal delegate Errno NextIdReturn(BpfObjectKind kind, ref GetIdAttr attr);

internal delegate Errno FdByIdReturn(BpfObjectKind kind, in GetIdAttr attr, out BpfFileDescriptor? fd);

internal delegate BpfFileDescriptor LinkCreateReturn(in LinkCreateAttr attr);

internal delegate void LinkCreateCallback(in LinkCreateAttr attr);

internal delegate void LinkUpdateCallback(in LinkUpdateAttr attr);

internal delegate void LinkDetachCallback(in LinkDetachAttr attr);

internal delegate BpfFileDescriptor RawTracepointOpenReturn(in RawTracepointOpenAttr attr);

internal delegate BpfFileDescriptor PerfEventOpenReturn(in PerfEventAttr attr, int pid, int cpu, int group, ulong flags);

internal delegate void SetMemlockCallback(in ResourceLimit limit);

internal delegate BpfFileDescriptor TokenCreateReturn(in TokenCreateAttr attr);
