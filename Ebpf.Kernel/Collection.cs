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
    private const string KconfigMap = ".kconfig";
    private readonly Dictionary<string, Map> _maps;
    private readonly Dictionary<string, Program> _programs;
    private readonly HashSet<string> _borrowed;

    private Collection(Dictionary<string, Map> maps, Dictionary<string, Program> programs, HashSet<string> borrowed)
    {
        _maps = maps;
        _programs = programs;
        _borrowed = borrowed;
    }

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
        options ??= CollectionLoadOptions.Default;
        syscalls ??= LinuxBpfSyscalls.Instance;
        ProgramTypeCheck.EnsureTyped(spec, options.LoadPrograms);
        if (spec.Variables.Values.Any(v => v.MapName == KconfigMap))
        {
            spec = spec.Copy();
            var config = options.KernelConfig ?? RunningKernelConfig.Value;
            CheckKconfigExterns(spec, config.Apply(spec), options.KernelConfig is not null || RunningKernelConfig.HasConfigFile);
        }

        spec = FeatureExterns.Apply(spec, Features.For(syscalls));
        var maps = new Dictionary<string, Map>(StringComparer.Ordinal);
        var programs = new Dictionary<string, Program>(StringComparer.Ordinal);
        var borrowed = new HashSet<string>(StringComparer.Ordinal);
        var pinsMade = new List<Map>();
        var kernelBtf = options.Programs.KernelBtf ?? KernelBtf.Shared;
        try
        {
            var mapOptions = new MapCreateOptions { Fallbacks = options.Fallbacks };
            var deferred = new List<(Map Map, MapSpec Spec)>();
            var structOps = new List<(Map Map, StructOpsTarget Target, bool Reused)>();
            foreach (var mapSpec in OrderMaps(spec.Maps.Values))
            {
                try
                {
                    if (options.MapReplacements?.TryGetValue(mapSpec.Name, out var replacement) == true)
                    {
                        PinnedMapCompatibility.CheckCompatible(mapSpec, replacement.Info(), "replacement");
                        maps[mapSpec.Name] = replacement;
                        borrowed.Add(mapSpec.Name);
                        continue;
                    }

                    string? pinPath = mapSpec.Pinning == PinType.ByName && options.PinPath is not null
                        ? Path.Combine(options.PinPath, mapSpec.Name)
                        : null;
                    if (pinPath is not null && File.Exists(pinPath))
                    {
                        var pinned = Map.OpenPinned(pinPath, syscalls);
                        maps[mapSpec.Name] = pinned;
                        if (mapSpec.Type == BpfMapType.StructOps)
                        {
                            var pinnedTarget = StructOpsTarget.Resolve(mapSpec, RequiredKernelBtf.Vmlinux(kernelBtf, "struct_ops maps"));
                            PinnedMapCompatibility.CheckStructOpsCompatible(mapSpec, pinnedTarget, pinned.Info(), $"pinned at {pinPath}");
                            structOps.Add((pinned, pinnedTarget, true)); // prepared too, as libbpf: it registers if no one did
                        }
                        else
                        {
                            PinnedMapCompatibility.CheckCompatible(mapSpec, pinned.Info(), $"pinned at {pinPath}");
                        }

                        continue;
                    }

                    if (mapSpec.Type == BpfMapType.StructOps)
                    {
                        var target = StructOpsTarget.Resolve(mapSpec, RequiredKernelBtf.Vmlinux(kernelBtf, "struct_ops maps"));
                        var structOpsMap = Map.CreateStructOps(mapSpec, target.ValueSize, target.WrapperId, syscalls, options.Fallbacks);
                        maps[mapSpec.Name] = structOpsMap;
                        structOps.Add((structOpsMap, target, false));
                        if (pinPath is not null)
                        {
                            structOpsMap.Pin(pinPath);
                            pinsMade.Add(structOpsMap);
                        }

                        continue;
                    }

                    bool hasReferences = mapSpec.Contents.Any(e => e.ValueReference is not null);
                    var toCreate = hasReferences ? mapSpec with { Contents = [], Freeze = false } : mapSpec;
                    var map = Map.Create(toCreate, syscalls, mapOptions);
                    maps[mapSpec.Name] = map;
                    if (hasReferences)
                    {
                        deferred.Add((map, mapSpec));
                    }

                    if (pinPath is not null)
                    {
                        map.Pin(pinPath);
                        pinsMade.Add(map);
                    }
                }
                catch (Exception e) when (FailureSubject.TryName(e, FailureSubject.Of(mapSpec), out var named))
                {
                    throw named;
                }
            }

            var mapFds = maps.ToDictionary(kv => kv.Key, kv => kv.Value.FileDescriptor, StringComparer.Ordinal);
            var programOptions = options.Programs with { Maps = mapFds, Fallbacks = options.Fallbacks };
            var structOpsMembers = StructOpsMembers(structOps);
            var relocators = new Dictionary<BtfSpec, CoreRelocator>(ReferenceEqualityComparer.Instance);
            foreach (var programSpec in spec.Programs.Values)
            {
                try
                {
                    if (!programSpec.Autoload && options.LoadPrograms?.Contains(programSpec.Name) != true)
                    {
                        continue;
                    }

                    var toLoad = options.ApplyCoreRelocations ? Relocate(programSpec, kernelBtf, relocators) : programSpec;
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

                    programs[programSpec.Name] = Program.Load(toLoad, loadOptions, syscalls);
                }
                catch (Exception e) when (FailureSubject.TryName(e, FailureSubject.Of(programSpec), out var named))
                {
                    throw named;
                }
            }

            foreach (var (map, mapSpec) in deferred)
            {
                try
                {
                    WriteReferences(map, mapSpec, maps, programs);
                }
                catch (Exception e) when (FailureSubject.TryName(e, FailureSubject.Of(mapSpec), out var named))
                {
                    throw named;
                }
            }

            foreach (var (map, target, reused) in structOps)
            {
                try
                {
                    map.PrepareStructOps(target.Prepare(programs), reused); // writes BPF_F_LINK values only: nothing registers here
                }
                catch (Exception e) when (FailureSubject.TryName(e, FailureSubject.Of(target.Spec), out var named))
                {
                    throw named;
                }
            }

            return new Collection(maps, programs, borrowed);
        }
        catch
        {
            foreach (var program in programs.Values)
            {
                program.Dispose();
            }

            foreach (var map in pinsMade)
            {
                map.Unpin();
            }

            foreach (var (name, map) in maps)
            {
                if (!borrowed.Contains(name))
                {
                    map.Dispose();
                }
            }

            throw;
        }
    }

    /// <summary>
    /// Closes every map and program the collection owns (not replacements it was given); a struct_ops map registered
    /// through its <see cref="Map.RegisterStructOps"/> is unregistered first.
    /// </summary>
    public void Dispose()
    {
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

    // The kernel struct id and member index of each program a struct_ops map uses.

    private static Dictionary<string, (uint StructId, int Index)> StructOpsMembers(List<(Map Map, StructOpsTarget Target, bool Reused)> structOps)
    {
        var members = new Dictionary<string, (uint StructId, int Index)>(StringComparer.Ordinal);
        foreach (var (_, target, _) in structOps)
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

    // Inner-map templates are created by Map.Create itself; maps whose entries name other maps come after those maps.
    private static IEnumerable<MapSpec> OrderMaps(IEnumerable<MapSpec> specs)
    {
        var list = specs.ToList();
        return list.Where(m => m.Contents.All(e => e.ValueReference is null))
            .Concat(list.Where(m => m.Contents.Any(e => e.ValueReference is not null)));
    }

    // One relocator per object BTF: its candidate cache narrows across the object's programs, as libbpf's does.
    private static ProgramSpec Relocate(ProgramSpec spec, KernelBtf kernelBtf, Dictionary<BtfSpec, CoreRelocator> relocators)
    {
        if (spec.Btf is null || !spec.Instructions.Any(i => i.Metadata?.Tag is CoreRelocation))
        {
            return spec;
        }

        var instructions = new Instructions(spec.Instructions);
        if (!relocators.TryGetValue(spec.Btf, out var relocator))
        {
            RequiredKernelBtf.Vmlinux(kernelBtf, "CO-RE relocations"); // as libbpf: relocations need the kernel's BTF, whatever their kind
            relocators[spec.Btf] = relocator = CoreRelocator.ForKernel(spec.Btf, kernelBtf);
        }

        try
        {
            relocator.Apply(instructions);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BtfFormatException)
        {
            throw RequiredKernelBtf.Unreadable(kernelBtf.ModuleDirectory, "CO-RE relocations", e); // a module's: vmlinux was read above
        }

        return spec with { Instructions = instructions };
    }

    private static void WriteReferences(Map map, MapSpec spec, Dictionary<string, Map> maps, Dictionary<string, Program> programs)
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
                ? programs.TryGetValue(reference, out var program) ? program.FileDescriptor : throw new EbpfException($"program '{reference}' was not loaded")
                : maps.TryGetValue(reference, out var target) ? target.FileDescriptor : throw new EbpfException($"no map named '{reference}'");
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
