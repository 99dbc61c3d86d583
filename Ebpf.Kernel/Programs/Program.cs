using System.Text;
using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// A BPF program loaded into the kernel, owning its descriptor: <see cref="Load"/> it from a <see cref="ProgramSpec"/>,
/// or open an existing one (<see cref="OpenPinned"/>, <see cref="OpenById"/>, <see cref="Open"/>). Run it on test input
/// with <see cref="TestRun(ProgramTestRunOptions)"/>, inspect it with <see cref="Info"/>, pin it on a bpffs.
/// Disposing closes the descriptor; the kernel unloads the program once nothing (descriptor, pin, link) holds it.
/// </summary>
public sealed unsafe partial class Program : IDisposable
{
    private readonly IBpfSyscalls _syscalls;

    internal Program(BpfFileDescriptor fd, string name, BpfProgramType type, IBpfSyscalls syscalls, string verifierLog = "")
    {
        FileDescriptor = fd;
        Name = name;
        Type = type;
        _syscalls = syscalls;
        VerifierLog = verifierLog;
    }

    /// <summary>The program's descriptor; pass it to attach calls and map updates (program arrays).</summary>
    public BpfFileDescriptor FileDescriptor { get; }

    /// <summary>The program's name: the spec's name when loaded here, the kernel's (at most 15 characters) when opened.</summary>
    public string Name { get; }

    /// <summary>The program type.</summary>
    public BpfProgramType Type { get; }

    /// <summary>The verifier log of a successful load that asked for one (<see cref="ProgramLoadOptions.LogLevel"/>); else empty.</summary>
    public string VerifierLog { get; }

    /// <summary>
    /// The ELF section the program was loaded from (<see cref="ProgramSpec.SectionName"/>, such as
    /// <c>tracepoint/syscalls/sys_enter_openat</c>); null when its spec had none or the program was opened, not loaded.
    /// </summary>
    public string? SectionName { get; private init; }

    /// <summary>Whether the load named a target program (<see cref="ProgramLoadOptions.AttachProgram"/>), as an <c>freplace</c> needs to attach from its section.</summary>
    internal bool LoadedWithAttachProgram { get; private init; }

    /// <summary>The path this instance pinned the program at, or null.</summary>
    public string? PinnedPath { get; private set; }

    /// <summary>The kernel interface the program was loaded or opened with; attach calls (Ebpf.Links) use it too.</summary>
    internal IBpfSyscalls Syscalls => _syscalls;

    /// <summary>Takes ownership of a program descriptor (reading its name and type from the kernel).</summary>
    /// <param name="fd">A descriptor of a BPF program; disposed with the returned instance. When this method throws, the caller still owns it.</param>
    /// <param name="syscalls">The kernel interface; <see cref="LinuxBpfSyscalls.Instance"/> when null.</param>
    /// <exception cref="EbpfException">The descriptor is not a BPF program.</exception>
    public static Program Open(BpfFileDescriptor fd, IBpfSyscalls? syscalls = null)
    {
        ArgumentNullException.ThrowIfNull(fd);
        syscalls ??= LinuxBpfSyscalls.Instance;
        var info = QueryInfo(syscalls, fd);
        return new Program(fd, info.Name.ToString(), info.Type, syscalls);
    }

    /// <summary>Opens the program with a given id (<c>BPF_PROG_GET_FD_BY_ID</c>).</summary>
    /// <exception cref="EbpfException">No program has the id (ENOENT).</exception>
    public static Program OpenById(uint id, IBpfSyscalls? syscalls = null)
    {
        syscalls ??= LinuxBpfSyscalls.Instance;
        var fd = syscalls.GetFdById(BpfObjectKind.Program, new GetIdAttr { Id = id });
        return OpenOwned(fd, syscalls);
    }

    /// <summary>Opens a program pinned on a bpffs (<c>BPF_OBJ_GET</c>).</summary>
    /// <exception cref="EbpfException">Nothing is pinned at the path (ENOENT), or it is not a program.</exception>
    public static Program OpenPinned(string path, IBpfSyscalls? syscalls = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        syscalls ??= LinuxBpfSyscalls.Instance;
        var program = OpenOwned(BpfPin.Open(path, syscalls), syscalls);
        program.PinnedPath = path;
        return program;
    }

    /// <summary>A second instance over a duplicate of the descriptor; dispose both.</summary>
    public Program Clone() => new(FileDescriptor.Dup(), Name, Type, _syscalls, VerifierLog)
    {
        SectionName = SectionName,
        LoadedWithAttachProgram = LoadedWithAttachProgram,
    };

    /// <summary>A program just loaded from <paramref name="spec"/>, keeping what attaching from its section needs.</summary>
    internal static Program Loaded(BpfFileDescriptor fd, ProgramSpec spec, ProgramLoadOptions options, IBpfSyscalls syscalls, string verifierLog) =>
        new(fd, spec.Name, spec.Type, syscalls, verifierLog)
        {
            SectionName = spec.SectionName,
            LoadedWithAttachProgram = options.AttachProgram is not null,
        };

    /// <summary>Pins the program at <paramref name="path"/> on a bpffs, so it outlives this process.</summary>
    /// <exception cref="EbpfException">The path exists (EEXIST) or is not on a bpffs.</exception>
    public void Pin(string path)
    {
        BpfPin.Pin(FileDescriptor, path, _syscalls);
        PinnedPath = path;
    }

    /// <summary>Removes the pin made by <see cref="Pin"/> (or the one <see cref="OpenPinned"/> opened); nothing when there is none.</summary>
    public void Unpin()
    {
        if (PinnedPath is { } path)
        {
            File.Delete(path);
            PinnedPath = null;
        }
    }

    /// <summary>Closes the descriptor.</summary>
    public void Dispose() => FileDescriptor.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"Program {Name} ({Type}, {FileDescriptor})";

    private static Program OpenOwned(BpfFileDescriptor fd, IBpfSyscalls syscalls)
    {
        try
        {
            return Open(fd, syscalls);
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

}
