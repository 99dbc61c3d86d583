using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Moq;

namespace Ebpf.Tests.Links;

/// <summary>Programs over a mocked kernel, for the attach verbs: the link calls go to the mock the program carries.</summary>
internal static class MockPrograms
{
    /// <summary>A program of <paramref name="type"/> with descriptor <paramref name="fd"/>, made with <paramref name="sys"/>.</summary>
    public static Program Of(BpfFileDescriptor fd, BpfProgramType type, Mock<IBpfSyscalls> sys) => new(fd, "mock", type, sys.Object);

    /// <summary>A tracing program with descriptor <paramref name="fd"/>, made with <paramref name="sys"/>.</summary>
    public static Program Tracing(BpfFileDescriptor fd, Mock<IBpfSyscalls> sys) => Of(fd, BpfProgramType.Tracing, sys);
}
