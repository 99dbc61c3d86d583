using Ebpf.Asm;
using Ebpf.Btf;
using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// The maps and programs of a <see cref="CollectionSpec"/>, loaded into the kernel together. Disposing closes them
/// (pinned objects stay in the kernel through their pins).
/// </summary>
public sealed class Collection : IDisposable
{
    private readonly Dictionary<string, Map> _maps;
    private readonly Dictionary<string, Program> _programs;
    private readonly HashSet<string> _borrowed;
    private readonly List<StructOpsRegistration> _structOps;
    private readonly BpfToken? _token;
    private readonly Dictionary<string, Variable> _variables = new(StringComparer.Ordinal);
    private readonly List<GlobalDataAccess> _globalData = [];

    internal Collection(
        Dictionary<string, Map> maps, Dictionary<string, Program> programs, HashSet<string> borrowed, List<StructOpsRegistration> structOps, BpfToken? token,
        IEnumerable<VariableSpec>? variables = null)
    {
        _token = token;
        _maps = maps;
        _programs = programs;
        _borrowed = borrowed;
        _structOps = structOps;
        AddVariables(variables ?? []);
    }

    /// <summary>
    /// The global variables by name, read and written live in their maps (<c>.bss</c>, <c>.data</c>, <c>.rodata</c>,
    /// ...): through the maps' memory where they are mmapable, else by lookup and update. <c>.rodata</c> ones are
    /// read-only: the map is frozen at load.
    /// </summary>
    public IReadOnlyDictionary<string, Variable> Variables => _variables;

    /// <summary>The maps by name (global data maps under their section names, e.g. <c>.rodata</c>).</summary>
    public IReadOnlyDictionary<string, Map> Maps => _maps;

    /// <summary>The loaded programs by name (programs not autoloaded are absent).</summary>
    public IReadOnlyDictionary<string, Program> Programs => _programs;

    /// <summary>
    /// Loads a collection: maps first (reusing pins and replacements), then each program with its map references,
    /// kfuncs and ksyms resolved and CO-RE relocations applied against the kernel's BTF, then the map entries that
    /// refer to programs or maps (program arrays, map-in-maps). struct_ops maps get their value prepared but not
    /// registered, as libbpf defers that to attach: a <c>.struct_ops</c> map registers with
    /// <see cref="Map.RegisterStructOps"/> (<c>map.AttachStructOps()</c> in Ebpf.Links), a <c>.struct_ops.link</c> map
    /// gets its value written here (which registers nothing) and registers through a link. All or nothing: on failure everything created is
    /// closed and every pin made is removed. The feature externs <c>LINUX_HAS_BPF_COOKIE</c> and
    /// <c>LINUX_HAS_SYSCALL_WRAPPER</c> get what <see cref="Features.HaveBpfCookie"/> and
    /// <see cref="Features.HaveSyscallWrapper"/> find, in a copy: <paramref name="spec"/> is left alone.
    /// </summary>
    /// <param name="spec">The collection to load.</param>
    /// <param name="options">Pinning, replacements and program options; null for <see cref="CollectionLoadOptions.Default"/>.</param>
    /// <param name="syscalls">The kernel interface; null for <see cref="LinuxBpfSyscalls.Instance"/>.</param>
    /// <returns>The loaded collection.</returns>
    /// <remarks>
    /// A failure names what failed at the start of its message: <c>map 'events': BPF_MAP_CREATE failed: ...</c>,
    /// <c>program 'handle_exec' (tracepoint/syscalls/sys_enter_execve): BPF_PROG_LOAD failed: ...</c>, <c>inner map
    /// 'outer.inner' of map 'outer': ...</c>. The exception keeps the type, error number and command of the kernel
    /// call that failed (and a verifier rejection its log), so <see cref="EbpfPermissionException"/> and
    /// <see cref="EbpfNotSupportedException"/> can be caught as such.
    /// </remarks>
    /// <exception cref="EbpfVerifierException">A program was rejected; the message names it and the failing line.</exception>
    /// <exception cref="EbpfPermissionException">The kernel refused a map or program for lack of privilege.</exception>
    /// <exception cref="EbpfNotSupportedException">The kernel lacks what a map or program needs (its BTF, say).</exception>
    /// <exception cref="EbpfException">A map or program could not be created, or a pinned map is incompatible.</exception>
    /// <exception cref="CoreRelocationException">A CO-RE relocation of a program cannot be applied; the message names the program.</exception>
    /// <exception cref="InstructionReferenceException">A program jumps to or calls a label it lacks; the message names the program.</exception>
    public static Collection Load(CollectionSpec spec, CollectionLoadOptions? options = null, IBpfSyscalls? syscalls = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var loader = new CollectionLoader(spec, options ?? CollectionLoadOptions.Default, syscalls ?? LinuxBpfSyscalls.Instance);
        try
        {
            loader.ResolveExterns();
            loader.CreateMaps();
            loader.LoadPrograms();
            loader.WriteDeferredEntries();
            loader.PrepareStructOps();
            return loader.Finish();
        }
        catch
        {
            loader.Rollback();
            throw;
        }
    }

    /// <summary>
    /// Closes every map and program the collection owns (not replacements it was given, nor a <see cref="CollectionLoadOptions.Token"/>,
    /// but a token it made from <see cref="CollectionLoadOptions.TokenPath"/>); a struct_ops map registered
    /// through its <see cref="Map.RegisterStructOps"/> is unregistered first.
    /// </summary>
    public void Dispose()
    {
        foreach (var access in _globalData)
        {
            access.Dispose();
        }

        foreach (var registration in _structOps)
        {
            registration.Release();
        }

        foreach (var program in _programs.Values)
        {
            program.Dispose();
        }

        foreach (var (name, map) in _maps)
        {
            if (!_borrowed.Contains(name))
            {
                map.Dispose();
            }
        }

        _token?.Dispose();
    }

    private void AddVariables(IEnumerable<VariableSpec> variables)
    {
        var accesses = new Dictionary<string, GlobalDataAccess>(StringComparer.Ordinal);
        foreach (var variable in variables)
        {
            if (!_maps.TryGetValue(variable.MapName, out var map) || map.Type != BpfMapType.Array || map.MaxEntries != 1
                || variable.Offset + variable.Size > map.ValueSize)
            {
                continue;
            }

            if (!accesses.TryGetValue(variable.MapName, out var access))
            {
                access = new GlobalDataAccess(map, variable.IsReadOnly);
                accesses[variable.MapName] = access;
                _globalData.Add(access);
            }

            _variables[variable.Name] = new Variable(variable, access);
        }
    }
}
