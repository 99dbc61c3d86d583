using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Ebpf.Btf;

/// <summary>
/// The kernel's BTF: <c>vmlinux</c>, memory-mapped and decoded lazily, and the BTF of kernel modules as split
/// BTF over it, each read once and cached. <see cref="Shared"/> is a process-wide instance for the running
/// kernel; <see cref="Flush"/> drops it (after a module load, say) and <see cref="Configure"/> points it at
/// other files.
/// </summary>
/// <remarks>Thread-safe. Mappings are never released (specs handed out may be in use at any time), so a flushed
/// instance's files stay mapped, read-only and shared with the page cache, until the process exits.</remarks>
public sealed class KernelBtf
{
    /// <summary>Where the running kernel publishes its BTF.</summary>
    public const string DefaultDirectory = "/sys/kernel/btf";

    /// <summary>The file name of the kernel's own BTF in <see cref="DefaultDirectory"/>.</summary>
    public const string VmlinuxName = "vmlinux";

    private static readonly Lock SharedLock = new();
    private static KernelBtf? _shared;
    private static string? _sharedVmlinuxPath;
    private static string? _sharedModuleDirectory;

    private readonly Lazy<BtfSpec> _vmlinux;
    private readonly ConcurrentDictionary<string, Lazy<BtfSpec>> _modules = new(StringComparer.Ordinal);

    /// <summary>Describes the kernel BTF in a directory; nothing is read until first use.</summary>
    /// <param name="vmlinuxPath">The vmlinux BTF file; by default <c>vmlinux</c> in <paramref name="moduleDirectory"/>.</param>
    /// <param name="moduleDirectory">The directory holding one split BTF file per module; by default <see cref="DefaultDirectory"/>.</param>
    public KernelBtf(string? vmlinuxPath = null, string? moduleDirectory = null)
    {
        ModuleDirectory = moduleDirectory ?? DefaultDirectory;
        VmlinuxPath = vmlinuxPath ?? Path.Combine(ModuleDirectory, VmlinuxName);
        _vmlinux = new Lazy<BtfSpec>(() => Open(VmlinuxPath), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The process-wide instance, created on first use for the running kernel (or as set by <see cref="Configure"/>).</summary>
    public static KernelBtf Shared
    {
        get
        {
            var current = Volatile.Read(ref _shared);
            if (current is not null)
            {
                return current;
            }

            lock (SharedLock)
            {
                return _shared ??= new KernelBtf(_sharedVmlinuxPath, _sharedModuleDirectory);
            }
        }
    }

    /// <summary>The vmlinux BTF file this instance reads.</summary>
    public string VmlinuxPath { get; }

    /// <summary>The directory of module BTF files this instance reads.</summary>
    public string ModuleDirectory { get; }

    /// <summary>The vmlinux BTF, mapped and indexed on first use.</summary>
    /// <exception cref="BtfFormatException">The file is not valid BTF.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public BtfSpec Vmlinux => _vmlinux.Value;

    /// <summary>Whether the vmlinux BTF has been read already.</summary>
    public bool IsVmlinuxLoaded => _vmlinux.IsValueCreated;

    /// <summary>Names of the modules that have BTF in <see cref="ModuleDirectory"/>, sorted.</summary>
    public IReadOnlyList<string> ModuleNames
    {
        get
        {
            if (!Directory.Exists(ModuleDirectory))
            {
                return [];
            }

            string vmlinux = Path.GetFullPath(VmlinuxPath);
            return Directory.GetFiles(ModuleDirectory)
                .Where(f => Path.GetFileName(f) != VmlinuxName && Path.GetFullPath(f) != vmlinux)
                .Select(f => Path.GetFileName(f))
                .Order(StringComparer.Ordinal)
                .ToArray();
        }
    }

    /// <summary>The vmlinux BTF of <see cref="Shared"/>.</summary>
    public static BtfSpec SharedVmlinux => Shared.Vmlinux;

    /// <summary>Drops the process-wide instance, so the next use of <see cref="Shared"/> reads the files again.
    /// Specs already handed out stay valid.</summary>
    public static void Flush()
    {
        lock (SharedLock)
        {
            _shared = null;
        }
    }

    /// <summary>Points the process-wide instance at other files (null restores the defaults) and flushes it.</summary>
    /// <param name="vmlinuxPath">The vmlinux BTF file to use, or null for <c>/sys/kernel/btf/vmlinux</c>.</param>
    /// <param name="moduleDirectory">The directory of module BTF files, or null for <see cref="DefaultDirectory"/>.</param>
    public static void Configure(string? vmlinuxPath, string? moduleDirectory = null)
    {
        lock (SharedLock)
        {
            _sharedVmlinuxPath = vmlinuxPath;
            _sharedModuleDirectory = moduleDirectory;
            _shared = null;
        }
    }

    /// <summary>Memory-maps a raw BTF file and indexes it without copying it (reads it when it cannot be mapped).</summary>
    /// <param name="path">The file.</param>
    /// <param name="baseSpec">The base BTF when the file is split BTF, or null.</param>
    /// <returns>The parsed BTF over the mapping.</returns>
    /// <exception cref="BtfFormatException">The file is not valid BTF.</exception>
    public static BtfSpec Open(string path, BtfSpec? baseSpec = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var mapped = BtfMappedMemory.TryOpen(path);
        if (mapped is null)
        {
            return BtfSpec.Parse(File.ReadAllBytes(path), baseSpec);
        }

        try
        {
            return BtfSpec.Parse(mapped.Memory, baseSpec);
        }
        catch
        {
            ((IDisposable)mapped).Dispose();
            throw;
        }
    }

    /// <summary>The split BTF of a kernel module, over <see cref="Vmlinux"/>, read on first use and cached.</summary>
    /// <param name="name">The module name, as in <c>/sys/kernel/btf/NAME</c>.</param>
    /// <returns>The module's BTF.</returns>
    /// <exception cref="FileNotFoundException">The module has no BTF file.</exception>
    /// <exception cref="BtfFormatException">The file is not valid split BTF.</exception>
    public BtfSpec GetModule(string name)
    {
        CheckModuleName(name);
        var lazy = _modules.GetOrAdd(
            name,
            n => new Lazy<BtfSpec>(() => Open(Path.Combine(ModuleDirectory, n), Vmlinux), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            _modules.TryRemove(new KeyValuePair<string, Lazy<BtfSpec>>(name, lazy)); // do not cache failures
            throw;
        }
    }

    /// <summary>The split BTF of a kernel module, when the module has a BTF file.</summary>
    /// <param name="name">The module name.</param>
    /// <param name="spec">The module's BTF, or null.</param>
    /// <returns>Whether the module has BTF.</returns>
    /// <exception cref="BtfFormatException">The file exists but is not valid split BTF.</exception>
    public bool TryGetModule(string name, [NotNullWhen(true)] out BtfSpec? spec)
    {
        CheckModuleName(name);
        if (!_modules.ContainsKey(name) && !File.Exists(Path.Combine(ModuleDirectory, name)))
        {
            spec = null;
            return false;
        }

        spec = GetModule(name);
        return true;
    }

    private static void CheckModuleName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('/') || name is "." or "..")
        {
            throw new ArgumentException($"'{name}' is not a module name", nameof(name));
        }
    }
}
