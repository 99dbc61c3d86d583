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

    /// <summary>A program loaded (over <paramref name="sys"/>) from a spec of <paramref name="section"/>, as a collection load makes it.</summary>
    public static Program FromSection(BpfFileDescriptor fd, string section, Mock<IBpfSyscalls> sys, bool withAttachProgram = false)
    {
        var match = ProgramSections.Match(section) ?? throw new ArgumentException($"unknown section {section}", nameof(section));
        var spec = new ProgramSpec { Name = "mock", Type = match.ProgramType, AttachType = match.ExpectedAttachType, SectionName = match.SectionName, Instructions = [] };
        var options = withAttachProgram ? new ProgramLoadOptions { AttachProgram = fd } : ProgramLoadOptions.Default;
        return Program.Loaded(fd, spec, options, sys.Object, string.Empty);
    }
}
