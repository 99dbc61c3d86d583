using System.Runtime.InteropServices;
using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

/// <summary>Creating a map from a <see cref="MapSpec"/>.</summary>
public sealed partial class Map
{
    /// <summary>
    /// Creates the map <paramref name="spec"/> describes, writes its <see cref="MapSpec.Contents"/> (a per-CPU
    /// map's entry of <see cref="MapSpec.ValueSize"/> bytes goes to every CPU) and freezes it
    /// when <see cref="MapSpec.Freeze"/> is set. The key and value BTF is loaded and attached when the spec has it;
    /// a kernel that rejects it gets the map without BTF, and one that rejects the name (a debug aid) gets it
    /// unnamed. A perf event array without max entries gets one per possible CPU. An arena is mapped once to fix its
    /// user-space address and receive its <see cref="MapSpec.ArenaData"/>. Map-in-map types get a temporary
    /// inner map made from <see cref="MapSpec.InnerMap"/>. On failure
    /// everything created is closed.
    /// </summary>
    /// <param name="spec">The map to create.</param>
    /// <param name="options">How to resolve program and map references of the contents; null when there are none.</param>
    /// <param name="syscalls">The kernel interface; null for <see cref="LinuxBpfSyscalls.Instance"/>.</param>
    /// <exception cref="ArgumentException">The spec is inconsistent: a map-in-map without inner map, an entry of the wrong size, a reference without resolver.</exception>
    /// <exception cref="EbpfException">The kernel refused the map or an entry. The message starts with the map's name
    /// (<c>map 'events': BPF_MAP_CREATE failed: ...</c>, <c>inner map 'outer.inner' of map 'outer': ...</c>); the type
    /// and error number are the kernel call's.</exception>
    public static Map Create(MapSpec spec, MapCreateOptions? options = null, IBpfSyscalls? syscalls = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        try
        {
            syscalls ??= LinuxBpfSyscalls.Instance;
            return CreateUnnamed(spec, options?.Token?.Over(syscalls) ?? syscalls, options);
        }
        catch (Exception e) when (FailureSubject.TryName(e, FailureSubject.Of(spec), out var named))
        {
            throw named;
        }
    }

    /// <summary><see cref="Create"/>, its failures not yet named.</summary>
    private static Map CreateUnnamed(MapSpec spec, IBpfSyscalls syscalls, MapCreateOptions? options)
    {
        if (spec.Type == BpfMapType.PerfEventArray && spec.MaxEntries == 0)
        {
            spec = spec with { MaxEntries = (uint)PossibleCpus.Count }; // one ring per possible CPU, as libbpf sizes it
        }

        if (spec.Pinning == PinType.ByName && options?.PinDirectory is { } directory)
        {
            return CreatePinned(spec, syscalls, options, Path.Combine(directory, spec.Name));
        }

        var attr = new MapCreateAttr
        {
            MapType = spec.Type,
            KeySize = spec.KeySize,
            ValueSize = spec.ValueSize,
            MaxEntries = spec.MaxEntries,
            MapFlags = spec.Flags,
            NumaNode = spec.NumaNode,
            MapExtra = spec.MapExtra,
        };

        Map? inner = null;
        BpfFileDescriptor? btf = null;
        BpfFileDescriptor? fd = null;
        try
        {
            if (spec.Type is BpfMapType.ArrayOfMaps or BpfMapType.HashOfMaps)
            {
                var template = spec.InnerMap ?? throw new ArgumentException($"map-in-map {spec.Name} has no inner map template", nameof(spec));
                inner = CreateInnerTemplate(spec, template, syscalls);
            }

            using var innerUse = FdUse.Optional(inner?.FileDescriptor);
            attr.InnerMapFd = innerUse.Fd;
            var fallbacks = options?.Fallbacks ?? FeatureFallbacks.Default;
            uint keyTypeId = 0, valueTypeId = 0;
            var shared = options?.CollectionBtf is { } collectionBtf && MapBtf.TryShared(collectionBtf, spec, out keyTypeId, out valueTypeId)
                ? collectionBtf.FileDescriptor
                : null;
            if (shared is null)
            {
                btf = MapBtf.TryLoad(syscalls, spec, fallbacks, out keyTypeId, out valueTypeId);
            }

            using var btfUse = FdUse.Optional(shared ?? btf);
            if (shared is not null || btf is not null)
            {
                attr.BtfFd = btfUse.Fd;
                attr.BtfKeyTypeId = keyTypeId;
                attr.BtfValueTypeId = valueTypeId;
            }

            bool named = TryKernelName(options?.KernelName ?? spec.Name, out var name);
            if (named)
            {
                attr.MapName = name;
            }

            try
            {
                fd = CreateWithFallbacks(syscalls, attr, named, attr.BtfFd != 0, fallbacks, spec.Name);
            }
            catch (EbpfException e) when (e.Errno == Errno.EINVAL && e is not EbpfPermissionException)
            {
                EnsureMapTypeKnown(syscalls, spec.Type);
                throw;
            }

            var map = new Map(syscalls, fd, spec.Type, spec.KeySize, spec.ValueSize, spec.MaxEntries, spec.Flags, spec.Name);
            fd = null;
            try
            {
                map.WriteContents(spec, options);
                if (spec.Type == BpfMapType.Arena && (spec.MapExtra == 0 || !spec.ArenaData.IsEmpty))
                {
                    map.InitializeArena(spec);
                }

                if (spec.Freeze)
                {
                    map.Freeze();
                }

                return map;
            }
            catch
            {
                map.Dispose();
                throw;
            }
        }
        finally
        {
            fd?.Dispose();
            btf?.Dispose();
            inner?.Dispose();
        }
    }

    /// <summary>
    /// After an EINVAL: throws the map type probe's <see cref="EbpfNotSupportedException"/> (type and first kernel) when
    /// the kernel lacks the type; returns when it has it or the probe cannot tell, so the creation's own error stands.
    /// </summary>
    private static void EnsureMapTypeKnown(IBpfSyscalls syscalls, BpfMapType type)
    {
        try
        {
            Features.For(syscalls).HaveMapType(type);
        }
        catch (EbpfNotSupportedException)
        {
            throw;
        }
        catch (EbpfException)
        {
            // the probe cannot tell (EPERM, ...)
        }
    }

    /// <summary>The temporary inner map a map-in-map is created with; its failures name it and the outer map.</summary>
    private static Map CreateInnerTemplate(MapSpec outer, MapSpec template, IBpfSyscalls syscalls)
    {
        try
        {
            return CreateUnnamed(template with { Contents = [], Freeze = false }, syscalls, null);
        }
        catch (Exception e) when (FailureSubject.TryName(e, FailureSubject.OfInnerMap(outer, template), out var named))
        {
            throw named;
        }
    }

    /// <summary>Opens the map pinned at <paramref name="path"/> when there is one, else creates it and pins it there.</summary>
    private static Map CreatePinned(MapSpec spec, IBpfSyscalls syscalls, MapCreateOptions options, string path)
    {
        Map existing;
        try
        {
            existing = OpenPinned(path, syscalls);
        }
        catch (EbpfException e) when (e.Errno == Errno.ENOENT)
        {
            var map = CreateUnnamed(spec, syscalls, options with { PinDirectory = null });
            try
            {
                map.Pin(path);
                return map;
            }
            catch
            {
                map.Dispose();
                throw;
            }
        }

        try
        {
            PinnedMapCompatibility.CheckCompatible(spec, existing.Info(), $"pinned at {path}");
            return existing;
        }
        catch
        {
            existing.Dispose();
            throw;
        }
    }

    /// <summary>Writes one value to every CPU's slot of a per-CPU map.</summary>
    private void UpdateEveryCpu(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        var all = new byte[ValueStride];
        int slot = (int)RoundUp8(ValueSize);
        for (int offset = 0; offset < all.Length; offset += slot)
        {
            value.CopyTo(all.AsSpan(offset));
        }

        Update(key, all);
    }

    /// <summary>The name the kernel accepts: the first 15 characters, when all of them are in <c>[A-Za-z0-9_.]</c>.</summary>
    private static bool TryKernelName(string name, out BpfObjectName result)
    {
        result = default;
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }

        string truncated = name.Length < BpfObjectName.Length ? name : name[..(BpfObjectName.Length - 1)];
        foreach (char c in truncated)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.'))
            {
                return false;
            }
        }

        result = BpfObjectName.From(truncated);
        return true;
    }

    /// <summary>
    /// <c>BPF_MAP_CREATE</c>, retried without the name and then without BTF when the kernel rejects the attributes
    /// (EINVAL, E2BIG, EOPNOTSUPP). When every attempt fails, the first attempt's error is thrown. A retry that
    /// succeeds is reported to <paramref name="fallbacks"/>, which throws (closing the map) when fallbacks are disabled.
    /// </summary>
    private static BpfFileDescriptor CreateWithFallbacks(IBpfSyscalls syscalls, MapCreateAttr attr, bool named, bool withBtf, FeatureFallbacks fallbacks, string name)
    {
        Exception? first = null;
        var dropped = new List<(string Feature, string Kernel)>();
        while (true)
        {
            try
            {
                var fd = syscalls.MapCreate(attr);
                try
                {
                    foreach (var (feature, kernel) in Enumerable.Reverse(dropped)) // the last one left out is the one that surely mattered
                    {
                        fallbacks.Take(feature, kernel, $"map '{name}'", first!);
                    }
                }
                catch
                {
                    fd.Dispose();
                    throw;
                }

                return fd;
            }
            catch (Exception e) when (IsAttributeRejection(e) && (named || withBtf))
            {
                first ??= e;
                if (named)
                {
                    attr.MapName = default;
                    named = false;
                    dropped.Add(("object names", "4.15"));
                }
                else
                {
                    attr.BtfFd = 0;
                    attr.BtfKeyTypeId = 0;
                    attr.BtfValueTypeId = 0;
                    withBtf = false;
                    dropped.Add(("map key/value BTF", "4.18"));
                }
            }
            catch (Exception e) when (first is not null && IsAttributeRejection(e))
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
                throw;
            }
        }
    }

    private static bool IsAttributeRejection(Exception e) => e switch
    {
        EbpfPermissionException => false,
        EbpfException x => x.Errno is Errno.EINVAL or Errno.E2BIG,
        EbpfNotSupportedException n => n.Errno is Errno.EOPNOTSUPP or Errno.ENOTSUPP,
        _ => false,
    };

    /// <summary>Writes the spec's initial entries, resolving program and map references to descriptor numbers.</summary>
    private void WriteContents(MapSpec spec, MapCreateOptions? options)
    {
        Span<byte> fdValue = stackalloc byte[4];
        foreach (var entry in spec.Contents)
        {
            if (entry.ValueReference is not { } reference)
            {
                if (Type == BpfMapType.Array && entry.IsUntouchedZeros)
                {
                    continue; // a new array is already zeroed: an untouched .bss needs no write (nor allocation)
                }

                if (IsPerCpu && entry.Value.Length == ValueSize)
                {
                    UpdateEveryCpu(entry.Key.Span, entry.Value.Span);
                }
                else
                {
                    Update(entry.Key.Span, entry.Value.Span);
                }

                continue;
            }

            var resolve = options?.ResolveValueReference
                ?? throw new ArgumentException($"map {spec.Name} refers to '{reference}' but no MapCreateOptions.ResolveValueReference was given", nameof(options));
            var target = resolve(reference)
                ?? throw new ArgumentException($"map {spec.Name}: '{reference}' resolved to no descriptor", nameof(options));
            using var use = new FdUse(target);
            MemoryMarshal.Write(fdValue, use.Fd);

            Update(entry.Key.Span, fdValue);
        }
    }
}
