using System.Reflection;
using Ebpf.Kernel;
using Ebpf.Links;
using Ebpf.Specs;
using Ebpf.Kernel.Interop;

namespace Ebpf.Hosting;

/// <summary>
/// Describes a collection the host loads at start: where its object comes from (<see cref="FromFile"/>,
/// <see cref="FromResource"/>, <see cref="FromBytes"/>, <see cref="FromSpec(Func{CollectionSpec})"/>), how it is loaded (<see cref="Configure"/>)
/// and what is attached once it is loaded (<see cref="Attach(Func{Collection, ILink})"/>).
/// </summary>
public sealed class EbpfCollectionBuilder
{
    private readonly List<Func<Collection, IServiceProvider, IReadOnlyList<ILink>>> _attachments = [];
    private readonly List<Func<CollectionLoadOptions, CollectionLoadOptions>> _configurations = [];
    private readonly Dictionary<string, int> _eventSizes = new(StringComparer.Ordinal);

    internal EbpfCollectionBuilder(string name)
    {
        Name = name;
    }

    /// <summary>The collection's name: the service key of its <see cref="EbpfCollectionHandle"/>.</summary>
    public string Name { get; }

    /// <summary>Whether a failed load lets the host start anyway (the handle and health check report the failure); default false.</summary>
    public bool ContinuesOnFailure { get; private set; }

    internal Func<IServiceProvider, CollectionSpec>? SpecSource { get; private set; }

    internal string? SourceDescription { get; private set; }

    internal IReadOnlyList<Func<Collection, IServiceProvider, IReadOnlyList<ILink>>> Attachments => _attachments;

    internal IReadOnlyList<Func<CollectionLoadOptions, CollectionLoadOptions>> Configurations => _configurations;

    internal IReadOnlyDictionary<string, int> EventSizes => _eventSizes;

    /// <summary>Reads the object from the ELF file at <paramref name="path"/> when the host starts.</summary>
    public EbpfCollectionBuilder FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return SetSource(_ => CollectionSpec.Load(path), path);
    }

    /// <summary>Reads the object from the manifest resource <paramref name="resourceName"/> of <paramref name="assembly"/>.</summary>
    public EbpfCollectionBuilder FromResource(Assembly assembly, string resourceName)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentException.ThrowIfNullOrEmpty(resourceName);
        return SetSource(
            _ =>
            {
                using var stream = assembly.GetManifestResourceStream(resourceName)
                    ?? throw new InvalidOperationException($"assembly {assembly.GetName().Name} has no resource {resourceName}");
                var spec = CollectionSpec.Load(stream);
                spec.ObjectName = CollectionSpec.ObjectNameOf(resourceName); // global data maps named as libbpf names them
                return spec;
            },
            $"resource {resourceName} of {assembly.GetName().Name}");
    }

    /// <summary>Reads the object from <paramref name="bytes"/>.</summary>
    public EbpfCollectionBuilder FromBytes(ReadOnlyMemory<byte> bytes) =>
        SetSource(_ => CollectionSpec.Load(bytes), $"{bytes.Length} bytes");

    /// <summary>Uses the spec <paramref name="source"/> makes (for example a spec built or changed in code).</summary>
    public EbpfCollectionBuilder FromSpec(Func<CollectionSpec> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return SetSource(_ => source(), "spec");
    }

    /// <summary>
    /// Uses the spec <paramref name="source"/> makes at host start with the host's services, for example with
    /// variables or map sizes set from options: <c>b.FromSpec(sp =&gt; Build(sp.GetRequiredService&lt;IOptions&lt;MyOptions&gt;&gt;().Value))</c>.
    /// </summary>
    public EbpfCollectionBuilder FromSpec(Func<IServiceProvider, CollectionSpec> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return SetSource(source, "spec");
    }

    /// <summary>
    /// Changes the load options after the host's (<see cref="EbpfOptions.PinPath"/>, verifier log, kernel BTF) are applied.
    /// Several calls apply in order.
    /// </summary>
    public EbpfCollectionBuilder Configure(Func<CollectionLoadOptions, CollectionLoadOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _configurations.Add(configure);
        return this;
    }

    /// <summary>Attaches a program once the collection is loaded; links are closed in reverse order at host stop.</summary>
    /// <param name="attach">Makes the link, e.g. <c>c =&gt; c.Programs["x"].AttachRawTracepoint("sys_enter")</c>.</param>
    public EbpfCollectionBuilder Attach(Func<Collection, ILink> attach)
    {
        ArgumentNullException.ThrowIfNull(attach);
        _attachments.Add((collection, _) => [attach(collection)]);
        return this;
    }

    /// <summary>Attaches a program once the collection is loaded, with the host's services (e.g. the registered <see cref="IBpfSyscalls"/>).</summary>
    public EbpfCollectionBuilder Attach(Func<Collection, IServiceProvider, ILink> attach)
    {
        ArgumentNullException.ThrowIfNull(attach);
        _attachments.Add((collection, services) => [attach(collection, services)]);
        return this;
    }

    /// <summary>
    /// Attaches every program whose section names its target and registers every struct_ops map
    /// (<c>collection.AttachAll()</c>, libbpf's skeleton <c>__attach</c>) once the collection is loaded; programs whose
    /// kind needs arguments (XDP, tc, cgroup, ...) are left for <see cref="Attach(Func{Collection, ILink})"/>. The
    /// links are closed in reverse order at host stop.
    /// </summary>
    public EbpfCollectionBuilder AttachAll()
    {
        _attachments.Add((collection, _) => collection.AttachAll());
        return this;
    }

    /// <summary>
    /// Declares the largest event the programs write to ring buffer or perf event array <paramref name="map"/>, in bytes
    /// (for example <c>sizeof(struct event)</c>). The map's hosted consumer logs a Warning at start when the ring (a
    /// perf array: each CPU's ring) holds fewer than 64 such events: a burst, or a wake-up that comes late, then drops
    /// events in the kernel.
    /// </summary>
    public EbpfCollectionBuilder DeclareEventSize(string map, int largestEventSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(map);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(largestEventSize);
        _eventSizes[map] = largestEventSize;
        return this;
    }

    /// <summary>Lets the host start when the load or an attachment fails; the failure is logged and reported by the handle and health check.</summary>
    public EbpfCollectionBuilder ContinueOnFailure()
    {
        ContinuesOnFailure = true;
        return this;
    }

    private EbpfCollectionBuilder SetSource(Func<IServiceProvider, CollectionSpec> source, string description)
    {
        if (SpecSource is not null)
        {
            throw new InvalidOperationException($"collection {Name}: the object's source is set already ({SourceDescription})");
        }

        SpecSource = source;
        SourceDescription = description;
        return this;
    }
}
