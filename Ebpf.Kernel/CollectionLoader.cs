using Ebpf.Asm;
using Ebpf.Btf;
using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>
/// The state of one <see cref="Collection.Load"/> and its steps, in the order they run: <see cref="ResolveExterns"/>,
/// <see cref="CreateMaps"/>, <see cref="LoadPrograms"/>, <see cref="WriteDeferredEntries"/>,
/// <see cref="PrepareStructOps"/>, then <see cref="Finish"/>; on any failure <see cref="Rollback"/> closes what the
/// load created and removes the pins it made. A loader is used once.
/// </summary>
internal sealed class CollectionLoader
{
    private const string KconfigMap = ".kconfig";

    private readonly CollectionLoadOptions _options;
    private readonly IBpfSyscalls _syscalls; // with the load's BPF token, when it has one
    private readonly BpfToken? _ownedToken; // made from a path for this load: the collection's
    private readonly KernelBtf _kernelBtf;
    private readonly Dictionary<string, Map> _maps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Program> _programs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _borrowed = new(StringComparer.Ordinal); // replacements: the caller's, never closed here
    private readonly List<Map> _pinsMade = [];
    private readonly List<(Map Map, MapSpec Spec)> _deferred = []; // maps whose entries name programs or maps
    private readonly List<(Map Map, StructOpsTarget Target, bool Reused)> _structOps = [];
    private readonly List<StructOpsRegistration> _registrations = []; // the collection's, one per struct_ops map
    private readonly Dictionary<BtfSpec, CoreRelocator> _relocators = new(ReferenceEqualityComparer.Instance); // one per object BTF
    private CollectionSpec _spec;
    private CollectionBtf? _btf; // the object's BTF, loaded once for its maps and programs

    public CollectionLoader(CollectionSpec spec, CollectionLoadOptions options, IBpfSyscalls syscalls)
    {
        _spec = spec;
        _options = options;
        _ownedToken = options.Token is null ? BpfToken.ForLoad(options.TokenPath, syscalls) : null;
        _syscalls = (options.Token ?? _ownedToken)?.Over(syscalls) ?? syscalls;
        _kernelBtf = options.Programs.KernelBtf ?? KernelBtf.Shared;
    }

    /// <summary>
    /// Checks that every program to load has a type, and gives the <c>.kconfig</c> and feature externs their values,
    /// in a copy of the spec. Creates nothing.
    /// </summary>
    public void ResolveExterns()
    {
        ProgramTypeCheck.EnsureTyped(_spec, _options.LoadPrograms);
        if (_spec.Variables.Values.Any(v => v.MapName == KconfigMap))
        {
            _spec = _spec.Copy();
            var config = _options.KernelConfig ?? RunningKernelConfig.Value;
            CheckKconfigExterns(_spec, config.Apply(_spec), _options.KernelConfig is not null || RunningKernelConfig.HasConfigFile);
        }

        _spec = FeatureExterns.Apply(_spec, Features.For(_syscalls));
    }

    /// <summary>
    /// Creates the maps, or takes them from replacements and compatible pins; maps whose entries name other maps come
    /// after those maps. A failure names the map.
    /// </summary>
    public void CreateMaps()
    {
        _btf = CollectionBtf.TryLoad(_spec, ProgramsToLoad(), _syscalls);
        foreach (var mapSpec in OrderMaps(_spec.Maps.Values))
        {
            try
            {
                if (TryReplace(mapSpec) || TryReusePin(mapSpec))
                {
                    continue;
                }

                if (mapSpec.Type == BpfMapType.StructOps)
                {
                    CreateStructOpsMap(mapSpec);
                }
                else
                {
                    CreateMap(mapSpec);
                }
            }
            catch (Exception e) when (FailureSubject.TryName(e, FailureSubject.Of(mapSpec), out var named))
            {
                throw named;
            }
        }
    }

    /// <summary>
    /// Loads the programs to load (autoloaded or named by <see cref="CollectionLoadOptions.LoadPrograms"/>) with the
    /// maps' descriptors, CO-RE relocations applied against the kernel's BTF, and struct_ops programs given their
    /// kernel struct and member. A failure names the program.
    /// </summary>
    public void LoadPrograms()
    {
        var mapFds = _maps.ToDictionary(kv => kv.Key, kv => kv.Value.FileDescriptor, StringComparer.Ordinal);
        var programOptions = _options.Programs with { Maps = mapFds, Fallbacks = _options.Fallbacks, CollectionBtf = _btf };
        var structOpsMembers = StructOpsMembers();
        foreach (var programSpec in ProgramsToLoad())
        {
            try
            {
                var toLoad = _options.ApplyCoreRelocations ? Relocate(programSpec) : programSpec;
                var loadOptions = programOptions;
                if (programSpec.Type == BpfProgramType.StructOps)
                {
                    if (!structOpsMembers.TryGetValue(programSpec.Name, out var member))
                    {
                        continue; // no struct_ops map uses it: libbpf does not load it either
                    }

                    toLoad = toLoad with { AttachType = (BpfAttachType)member.Index };
                    loadOptions = programOptions with { AttachBtfId = member.StructId };
                }

                _programs[programSpec.Name] = Program.Load(toLoad, loadOptions, _syscalls);
            }
            catch (Exception e) when (FailureSubject.TryName(e, FailureSubject.Of(programSpec), out var named))
            {
                throw named;
            }
        }
    }

    /// <summary>
    /// Writes the entries of program arrays and map-in-maps (a program's or map's descriptor as value), then the
    /// other entries of those maps, and freezes the ones to freeze. A failure names the map.
    /// </summary>
    public void WriteDeferredEntries()
    {
        foreach (var (map, mapSpec) in _deferred)
        {
            try
            {
                WriteReferences(map, mapSpec);
            }
            catch (Exception e) when (FailureSubject.TryName(e, FailureSubject.Of(mapSpec), out var named))
            {
                throw named;
            }
        }
    }

    /// <summary>
    /// Prepares each struct_ops map's value with its programs' descriptors. Nothing registers here: a
    /// <c>.struct_ops.link</c> map gets its value written (which registers nothing), a <c>.struct_ops</c> map keeps it
    /// for <see cref="Map.RegisterStructOps"/>. A failure names the map.
    /// </summary>
    public void PrepareStructOps()
    {
        foreach (var (map, target, reused) in _structOps)
        {
            try
            {
                _registrations.Add(StructOpsRegistration.Prepare(map, target.Prepare(_programs), reused));
            }
            catch (Exception e) when (FailureSubject.TryName(e, FailureSubject.Of(target.Spec), out var named))
            {
                throw named;
            }
        }
    }

    /// <summary>Hands what the load made to the collection, which owns it from here on, and closes the object's BTF (the kernel keeps it while maps and programs use it).</summary>
    public Collection Finish()
    {
        _btf?.Dispose();
        return new(_maps, _programs, _borrowed, _registrations, _ownedToken, _spec.Variables.Values);
    }

    /// <summary>Undoes a failed load: closes the programs, removes the pins made and closes the maps created (not replacements).</summary>
    public void Rollback()
    {
        foreach (var program in _programs.Values)
        {
            program.Dispose();
        }

        foreach (var map in _pinsMade)
        {
            map.Unpin();
        }

        foreach (var (name, map) in _maps)
        {
            if (!_borrowed.Contains(name))
            {
                map.Dispose();
            }
        }

        _btf?.Dispose();
        _ownedToken?.Dispose();
    }

    /// <summary>
    /// Fails, as libbpf does, when a <c>.kconfig</c> extern that is not <c>__weak</c> got no value: the option is not
    /// in the kernel's config (or no config file could be read), or its value does not fit the extern's type.
    /// Weak externs stay zero.
    /// </summary>
    internal static void CheckKconfigExterns(CollectionSpec spec, IReadOnlyList<string> missing, bool configRead)
    {
        foreach (string name in missing)
        {
            if (spec.Variables.TryGetValue(name, out var variable) && !variable.IsWeak)
            {
                string why = configRead || !name.StartsWith("CONFIG_", StringComparison.Ordinal)
                    ? "not in the running kernel's config"
                    : "the running kernel's config could not be read (neither /proc/config.gz nor /boot/config-<release>)";
                throw new EbpfException($"extern '{name}' (kconfig): {why} and not declared __weak");
            }
        }
    }

    // Inner-map templates are created by Map.Create itself; maps whose entries name other maps come after those maps.
    private static IEnumerable<MapSpec> OrderMaps(IEnumerable<MapSpec> specs)
    {
        var list = specs.ToList();
        return list.Where(m => m.Contents.All(e => e.ValueReference is null))
            .Concat(list.Where(m => m.Contents.Any(e => e.ValueReference is not null)));
    }

    // The programs a load loads: autoloaded or named by the options.
    private IEnumerable<ProgramSpec> ProgramsToLoad() =>
        _spec.Programs.Values.Where(p => p.Autoload || _options.LoadPrograms?.Contains(p.Name) == true);

    // Where a map pinned by name lives, when the options give a pin directory.
    private string? PinPath(MapSpec mapSpec) =>
        mapSpec.Pinning == PinType.ByName && _options.PinPath is not null ? Path.Combine(_options.PinPath, mapSpec.Name) : null;

    private bool TryReplace(MapSpec mapSpec)
    {
        if (_options.MapReplacements is not { } replacements || !replacements.TryGetValue(mapSpec.Name, out var replacement))
        {
            return false;
        }

        PinnedMapCompatibility.CheckCompatible(mapSpec, replacement.Info(), "replacement");
        _maps[mapSpec.Name] = replacement;
        _borrowed.Add(mapSpec.Name);
        return true;
    }

    // A compatible pinned map is reused; a struct_ops one is prepared too, as libbpf does: it registers if no one did.
    private bool TryReusePin(MapSpec mapSpec)
    {
        if (PinPath(mapSpec) is not { } pinPath || !File.Exists(pinPath))
        {
            return false;
        }

        var pinned = Map.OpenPinned(pinPath, _syscalls);
        _maps[mapSpec.Name] = pinned;
        if (mapSpec.Type == BpfMapType.StructOps)
        {
            var target = ResolveStructOps(mapSpec);
            PinnedMapCompatibility.CheckStructOpsCompatible(mapSpec, target, pinned.Info(), $"pinned at {pinPath}");
            _structOps.Add((pinned, target, true));
        }
        else
        {
            PinnedMapCompatibility.CheckCompatible(mapSpec, pinned.Info(), $"pinned at {pinPath}");
        }

        return true;
    }

    private void CreateStructOpsMap(MapSpec mapSpec)
    {
        var target = ResolveStructOps(mapSpec);
        var map = Map.CreateStructOps(mapSpec, target.ValueSize, target.WrapperId, _syscalls, _options.Fallbacks);
        _maps[mapSpec.Name] = map;
        _structOps.Add((map, target, false));
        PinIfAsked(map, mapSpec);
    }

    // A map whose entries name programs or maps is created empty and unfrozen: its entries are written once those exist.
    private void CreateMap(MapSpec mapSpec)
    {
        bool hasReferences = mapSpec.Contents.Any(e => e.ValueReference is not null);
        var toCreate = hasReferences ? mapSpec with { Contents = [], Freeze = false } : mapSpec;
        var map = Map.Create(toCreate, new MapCreateOptions { Fallbacks = _options.Fallbacks, KernelName = GlobalDataKernelName(mapSpec), CollectionBtf = _btf }, _syscalls);
        _maps[mapSpec.Name] = map;
        if (hasReferences)
        {
            _deferred.Add((map, mapSpec));
        }

        PinIfAsked(map, mapSpec);
    }

    /// <summary>
    /// libbpf's kernel name of a global data map (<c>internal_map_name</c>): up to 8 characters of the object's name
    /// before the section name (<c>maps_and.rodata</c>), the section name alone when it has a second dot
    /// (<c>.rodata.str1.1</c>), 15 characters at most, other characters than <c>[A-Za-z0-9_.]</c> as <c>_</c>. Null for
    /// other maps and for specs without an object name.
    /// </summary>
    private string? GlobalDataKernelName(MapSpec mapSpec)
    {
        if (!mapSpec.IsGlobalData || _spec.ObjectName is not { Length: > 0 } objectName)
        {
            return null;
        }

        const int NameLength = 16; // BPF_OBJ_NAME_LEN
        string section = mapSpec.Name;
        int suffixLength = Math.Min(Math.Max(7, section.Length), NameLength - 1);
        int prefixLength = section.IndexOf('.', 1) >= 0 ? 0 : Math.Min(NameLength - suffixLength - 1, objectName.Length);
        string name = objectName[..prefixLength] + section[..Math.Min(suffixLength, section.Length)];
        return string.Create(name.Length, name, (span, text) =>
        {
            for (int i = 0; i < text.Length; i++)
            {
                span[i] = char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '.' ? text[i] : '_';
            }
        });
    }

    private void PinIfAsked(Map map, MapSpec mapSpec)
    {
        if (PinPath(mapSpec) is { } pinPath)
        {
            map.Pin(pinPath);
            _pinsMade.Add(map);
        }
    }

    private StructOpsTarget ResolveStructOps(MapSpec mapSpec) =>
        StructOpsTarget.Resolve(mapSpec, RequiredKernelBtf.Vmlinux(_kernelBtf, "struct_ops maps"));

    // The kernel struct id and member index of each program a struct_ops map uses.
    private Dictionary<string, (uint StructId, int Index)> StructOpsMembers()
    {
        var members = new Dictionary<string, (uint StructId, int Index)>(StringComparer.Ordinal);
        foreach (var (_, target, _) in _structOps)
        {
            foreach (var (member, program) in target.Programs)
            {
                var slot = (target.StructId, KernelMemberIndex(target, member));
                if (members.TryGetValue(program, out var existing) && existing != slot)
                {
                    throw new EbpfException($"program '{program}' implements two different struct_ops members");
                }

                members[program] = slot;
            }
        }

        return members;
    }

    // The kernel member index of a struct_ops map's member; a failure names the map.
    private static int KernelMemberIndex(StructOpsTarget target, string member)
    {
        try
        {
            return target.KernelMemberIndex(member);
        }
        catch (Exception e) when (FailureSubject.TryName(e, FailureSubject.Of(target.Spec), out var named))
        {
            throw named;
        }
    }

    // CO-RE: one relocator per object BTF, so its candidate cache narrows across the object's programs, as libbpf's does.
    private ProgramSpec Relocate(ProgramSpec spec)
    {
        if (spec.Btf is null || !spec.Instructions.Any(i => i.Metadata?.Tag is CoreRelocation))
        {
            return spec;
        }

        var instructions = new Instructions(spec.Instructions);
        if (!_relocators.TryGetValue(spec.Btf, out var relocator))
        {
            RequiredKernelBtf.Vmlinux(_kernelBtf, "CO-RE relocations"); // as libbpf: relocations need the kernel's BTF, whatever their kind
            _relocators[spec.Btf] = relocator = CoreRelocator.ForKernel(spec.Btf, _kernelBtf);
        }

        try
        {
            relocator.Apply(instructions);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BtfFormatException)
        {
            throw RequiredKernelBtf.Unreadable(_kernelBtf.ModuleDirectory, "CO-RE relocations", e); // a module's: vmlinux was read above
        }

        return spec with { Instructions = instructions };
    }

    private void WriteReferences(Map map, MapSpec spec)
    {
        Span<byte> value = stackalloc byte[4];
        foreach (var entry in spec.Contents)
        {
            if (entry.ValueReference is not { } reference)
            {
                map.Update(entry.Key.Span, entry.Value.Span);
                continue;
            }

            BpfFileDescriptor fd = spec.Type == BpfMapType.ProgArray
                ? _programs.TryGetValue(reference, out var program) ? program.FileDescriptor : throw new EbpfException($"program '{reference}' was not loaded")
                : _maps.TryGetValue(reference, out var target) ? target.FileDescriptor : throw new EbpfException($"no map named '{reference}'");
            using var use = new FdUse(fd); // held while the kernel reads the number
            BitConverter.TryWriteBytes(value, use.Fd); // the kernel reads the fd in host order
            map.Update(entry.Key.Span, (ReadOnlySpan<byte>)value);
        }

        if (spec.Freeze)
        {
            map.Freeze();
        }
    }
}
