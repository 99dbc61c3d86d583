using System.Diagnostics.CodeAnalysis;
using Ebpf.Btf;
using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// Finds kernel functions, variables and attach targets in the kernel's BTF (vmlinux first, then modules) for one
/// program load, and holds the module BTF descriptors and the <c>fd_array</c> that refer to them until the load ends.
/// </summary>
internal sealed class KernelSymbolResolver : IDisposable
{
    private const string Need = "kfuncs, ksyms and attach targets"; // what the kernel BTF is read for, as failures say

    private readonly KernelBtf _btf;
    private readonly IBpfSyscalls _syscalls;
    private readonly Dictionary<string, BpfFileDescriptor> _moduleFds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, short> _fdArrayIndex = new(StringComparer.Ordinal);
    private readonly List<BpfFileDescriptor?> _fdArray = [null]; // index 0 is vmlinux: the kernel never reads it

    public KernelSymbolResolver(KernelBtf btf, IBpfSyscalls syscalls)
    {
        _btf = btf;
        _syscalls = syscalls;
    }

    /// <summary>Whether any instruction needs the <c>fd_array</c>.</summary>
    public bool HasFdArray => _fdArray.Count > 1;

    private BtfSpec Vmlinux => RequiredKernelBtf.Vmlinux(_btf, Need);

    /// <summary>
    /// Finds a type by name and kind. <paramref name="name"/> may be <c>module:name</c> to search one module only;
    /// otherwise vmlinux is searched first, then every module.
    /// </summary>
    /// <returns>The id and the module holding it (null for vmlinux).</returns>
    /// <exception cref="EbpfException">No kernel BTF has the type, or the vmlinux BTF cannot be read.</exception>
    /// <exception cref="EbpfNotSupportedException">The running kernel publishes no BTF.</exception>
    public (uint Id, string? Module) Find(string name, BtfKind kind, string what) =>
        TryFind(name, kind) ?? throw NotFound(name, kind, what);

    /// <summary>As <see cref="Find"/>, null when no kernel BTF has the type.</summary>
    public (uint Id, string? Module)? TryFind(string name, BtfKind kind)
    {
        int colon = name.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0)
        {
            string module = name[..colon];
            string symbol = name[(colon + 1)..];
            if (module == KernelBtf.VmlinuxName)
            {
                return FindIn(Vmlinux, symbol, kind) is uint v and not 0 ? (v, null) : null;
            }

            return TryGetModule(module, out var spec) && FindIn(spec, symbol, kind, Vmlinux.LastTypeId) is uint m and not 0
                ? (m, module)
                : null;
        }

        if (FindIn(Vmlinux, name, kind) is uint id and not 0)
        {
            return (id, null);
        }

        foreach (var module in _btf.ModuleNames)
        {
            if (TryGetModule(module, out var spec) && FindIn(spec, name, kind, Vmlinux.LastTypeId) is uint m and not 0)
            {
                return (m, module);
            }
        }

        return null;
    }

    /// <summary>The descriptor of a module's kernel BTF object, opened once per load.</summary>
    public BpfFileDescriptor ModuleFd(string module)
    {
        if (!_moduleFds.TryGetValue(module, out var fd))
        {
            fd = KernelBtfObjects.OpenModule(_syscalls, module);
            _moduleFds.Add(module, fd);
        }

        return fd;
    }

    /// <summary>The <c>fd_array</c> index of a module's BTF, as a kfunc call's offset holds it; 0 for vmlinux.</summary>
    public short FdArrayIndex(string? module)
    {
        if (module is null)
        {
            return 0;
        }

        if (!_fdArrayIndex.TryGetValue(module, out short index))
        {
            index = checked((short)_fdArray.Count);
            _fdArray.Add(ModuleFd(module));
            _fdArrayIndex.Add(module, index);
        }

        return index;
    }

    /// <summary>The <c>fd_array</c> as descriptor numbers (0 for the unused slot 0), each held by <paramref name="uses"/> for the load.</summary>
    public int[] FdArray(FdUseList uses) => _fdArray.Select(fd => fd is null ? 0 : (int)uses.Add(fd)).ToArray();

    /// <summary>Closes the module BTF descriptors.</summary>
    public void Dispose()
    {
        foreach (var fd in _moduleFds.Values)
        {
            fd.Dispose();
        }

        _moduleFds.Clear();
    }

    // A module's split BTF; one that cannot be read fails as the vmlinux BTF does.
    private bool TryGetModule(string module, [NotNullWhen(true)] out BtfSpec? spec)
    {
        try
        {
            return _btf.TryGetModule(module, out spec);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BtfFormatException)
        {
            throw RequiredKernelBtf.Unreadable(Path.Combine(_btf.ModuleDirectory, module), Need, e);
        }
    }

    private static uint? FindIn(BtfSpec spec, string name, BtfKind kind, uint above = 0)
    {
        foreach (uint id in spec.FindIds(name, kind))
        {
            if (id > above)
            {
                return id;
            }
        }

        return null;
    }

    private static EbpfException NotFound(string name, BtfKind kind, string what) =>
        new($"{what} '{name}' is not in the kernel's BTF (no {kind} of that name in vmlinux or a module)");
}
