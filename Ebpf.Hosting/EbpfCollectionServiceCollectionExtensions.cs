using System.Diagnostics.CodeAnalysis;
using Ebpf.Btf;
using Ebpf.Kernel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ebpf.Kernel.Interop;

namespace Ebpf.Hosting;

/// <summary>Registers hosted collections and their ring buffer and perf event consumers.</summary>
public static class EbpfCollectionServiceCollectionExtensions
{
    /// <summary>
    /// Adds a collection loaded at host start and closed at stop (<see cref="EbpfCollectionService"/>), and its
    /// <see cref="EbpfCollectionHandle"/> as a keyed singleton under <paramref name="name"/>. Calls <c>AddEbpf()</c> when
    /// it was not called. Register consumers after their collection.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The collection's name, unique in the host.</param>
    /// <param name="build">Sets the object's source, load options and attachments.</param>
    /// <returns>The same collection.</returns>
    public static IServiceCollection AddEbpfCollection(this IServiceCollection services, string name, Action<EbpfCollectionBuilder> build)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(build);
        if (services.Any(d => d.IsKeyedService && d.ServiceType == typeof(EbpfCollectionHandle) && Equals(d.ServiceKey, name)))
        {
            throw new InvalidOperationException($"an eBPF collection named {name} is registered already");
        }

        var builder = new EbpfCollectionBuilder(name);
        build(builder);
        if (builder.SpecSource is null)
        {
            throw new InvalidOperationException($"collection {name}: no object given (call FromFile, FromResource, FromBytes or FromSpec)");
        }

        services.AddEbpf();
        var handle = new EbpfCollectionHandle(name) { EventSizes = builder.EventSizes };
        services.AddKeyedSingleton(name, handle);
        services.AddSingleton<IHostedService>(provider => new EbpfCollectionService(
            builder,
            handle,
            provider,
            provider.GetRequiredService<IOptions<EbpfOptions>>(),
            provider.GetRequiredService<IBpfSyscalls>(),
            provider.GetRequiredService<KernelBtf>(),
            provider.GetRequiredService<EbpfMetrics>(),
            provider.GetRequiredService<ILogger<EbpfCollectionService>>()));
        return services;
    }

    /// <summary>
    /// Adds a collection as <see cref="AddEbpfCollection(IServiceCollection, string, Action{EbpfCollectionBuilder})"/> does, and a
    /// typed view of it: <typeparamref name="TObjects"/>, a singleton made by <paramref name="create"/> from the loaded
    /// collection when first resolved (after the host started).
    /// </summary>
    /// <typeparam name="TObjects">A class exposing the collection's programs and maps by name, e.g. with a constructor taking <see cref="Collection"/>.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The collection's name, unique in the host.</param>
    /// <param name="create">Makes the typed view, e.g. <c>c =&gt; new ProbeObjects(c)</c>.</param>
    /// <param name="build">Sets the object's source, load options and attachments.</param>
    /// <returns>The same collection.</returns>
    public static IServiceCollection AddEbpfCollection<TObjects>(this IServiceCollection services, string name, Func<Collection, TObjects> create,
        Action<EbpfCollectionBuilder> build)
        where TObjects : class
    {
        ArgumentNullException.ThrowIfNull(create);
        services.AddEbpfCollection(name, build);
        services.AddSingleton(provider => create(provider.GetRequiredKeyedService<EbpfCollectionHandle>(name).Collection));
        return services;
    }

    /// <summary>
    /// Adds a hosted consumer of ring buffer <paramref name="mapName"/> of collection <paramref name="collectionName"/>
    /// handing records to <typeparamref name="THandler"/> (a singleton, registered unless it is already).
    /// </summary>
    public static IServiceCollection AddEbpfRingBufferConsumer<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(this IServiceCollection services, string collectionName, string mapName)
        where THandler : class, IEbpfEventHandler
    {
        ArgumentNullException.ThrowIfNull(services);
        Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAddSingleton<THandler>(services);
        return services.AddEbpfRingBufferConsumer(collectionName, mapName, provider => provider.GetRequiredService<THandler>());
    }

    /// <summary>Adds a hosted consumer of ring buffer <paramref name="mapName"/> calling <paramref name="handle"/> per record.</summary>
    public static IServiceCollection AddEbpfRingBufferConsumer(this IServiceCollection services, string collectionName, string mapName,
        Func<EbpfEvent, CancellationToken, ValueTask> handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return services.AddEbpfRingBufferConsumer(collectionName, mapName, _ => new DelegateEventHandler(handle));
    }

    /// <summary>
    /// Adds a hosted consumer of ring buffer <paramref name="mapName"/> of collection <paramref name="collectionName"/>
    /// handing records in place (zero copy, on the consumer's dedicated thread, a batch per wake-up) to
    /// <typeparamref name="THandler"/> (a singleton, registered unless it is already). Each record's span is valid only
    /// during <see cref="IEbpfRecordHandler.Handle"/>.
    /// </summary>
    public static IServiceCollection AddEbpfRingBufferRecordConsumer<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(this IServiceCollection services, string collectionName, string mapName)
        where THandler : class, IEbpfRecordHandler
    {
        services.AddRecordHandler<THandler>(collectionName, mapName);
        services.AddSingleton<IHostedService>(provider => new EbpfRingBufferConsumer(
            provider.GetRequiredKeyedService<EbpfCollectionHandle>(collectionName),
            mapName,
            (IEbpfRecordHandler)provider.GetRequiredService<THandler>(),
            provider.GetRequiredService<IBpfSyscalls>(),
            provider.GetRequiredService<EbpfMetrics>(),
            provider.GetRequiredService<ILogger<EbpfRingBufferConsumer>>()));
        return services;
    }

    /// <summary>
    /// Adds a hosted consumer of perf event array <paramref name="mapName"/> of collection <paramref name="collectionName"/>
    /// handing samples in place (zero copy, on the consumer's dedicated thread, a batch per wake-up) to
    /// <typeparamref name="THandler"/> (a singleton, registered unless it is already); lost samples are counted. Each
    /// sample's span is valid only during <see cref="IEbpfRecordHandler.Handle"/>.
    /// </summary>
    public static IServiceCollection AddEbpfPerfEventRecordConsumer<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(this IServiceCollection services, string collectionName, string mapName,
        PerfEventReaderOptions? options = null)
        where THandler : class, IEbpfRecordHandler
    {
        services.AddRecordHandler<THandler>(collectionName, mapName);
        services.AddSingleton<IHostedService>(provider => new EbpfPerfEventConsumer(
            provider.GetRequiredKeyedService<EbpfCollectionHandle>(collectionName),
            mapName,
            (IEbpfRecordHandler)provider.GetRequiredService<THandler>(),
            provider.GetRequiredService<IBpfSyscalls>(),
            provider.GetRequiredService<EbpfMetrics>(),
            provider.GetRequiredService<ILogger<EbpfPerfEventConsumer>>(),
            options));
        return services;
    }

    /// <summary>
    /// Adds a hosted consumer of map <paramref name="mapName"/> of collection <paramref name="collectionName"/> (a ring
    /// buffer, a perf event array, or an event buffer of <c>ebpf/buffer.bpf.h</c> whichever kind it was loaded as)
    /// handing each record as a <typeparamref name="TEvent"/> to <typeparamref name="THandler"/> (a singleton, registered
    /// unless it is already): in place for ring buffers, a stack copy for perf samples, no allocation per record, on the
    /// consumer's dedicated thread, a batch per wake-up. Records shorter than <typeparamref name="TEvent"/> are skipped
    /// and counted (<c>ebpf.events.short</c>), lost perf samples counted. The event is valid only during
    /// <see cref="IEbpfRecordHandler{TEvent}.Handle"/>.
    /// </summary>
    /// <typeparam name="THandler">The handler.</typeparam>
    /// <typeparam name="TEvent">The event's C layout, e.g. a struct the generator wrote from the object's BTF.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <param name="collectionName">The collection, registered with <c>AddEbpfCollection</c>.</param>
    /// <param name="mapName">The ring buffer, perf event array or event buffer map.</param>
    /// <param name="perfOptions">The perf rings' settings when the map is a perf event array; defaults when null.</param>
    /// <returns>The same collection.</returns>
    public static IServiceCollection AddEbpfEventRecordConsumer<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler, TEvent>(
        this IServiceCollection services, string collectionName, string mapName, PerfEventReaderOptions? perfOptions = null)
        where THandler : class, IEbpfRecordHandler<TEvent>
        where TEvent : unmanaged
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(collectionName);
        ArgumentException.ThrowIfNullOrEmpty(mapName);
        Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAddSingleton<THandler>(services);
        services.AddEbpf();
        services.AddSingleton<IHostedService>(provider => new EbpfEventRecordConsumer<TEvent>(
            provider.GetRequiredKeyedService<EbpfCollectionHandle>(collectionName),
            mapName,
            provider.GetRequiredService<THandler>(),
            provider.GetRequiredService<IBpfSyscalls>(),
            provider.GetRequiredService<EbpfMetrics>(),
            provider.GetRequiredService<ILogger<EbpfEventRecordConsumer<TEvent>>>(),
            perfOptions));
        return services;
    }

    /// <summary>
    /// Adds a hosted consumer of perf event array <paramref name="mapName"/> of collection <paramref name="collectionName"/>
    /// handing samples to <typeparamref name="THandler"/> (a singleton, registered unless it is already); lost samples are counted.
    /// </summary>
    public static IServiceCollection AddEbpfPerfEventConsumer<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(this IServiceCollection services, string collectionName, string mapName,
        PerfEventReaderOptions? options = null)
        where THandler : class, IEbpfEventHandler
    {
        ArgumentNullException.ThrowIfNull(services);
        Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAddSingleton<THandler>(services);
        return services.AddEbpfPerfEventConsumer(collectionName, mapName, provider => provider.GetRequiredService<THandler>(), options);
    }

    /// <summary>Adds a hosted consumer of perf event array <paramref name="mapName"/> calling <paramref name="handle"/> per sample.</summary>
    public static IServiceCollection AddEbpfPerfEventConsumer(this IServiceCollection services, string collectionName, string mapName,
        Func<EbpfEvent, CancellationToken, ValueTask> handle, PerfEventReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return services.AddEbpfPerfEventConsumer(collectionName, mapName, _ => new DelegateEventHandler(handle), options);
    }

    /// <summary>Checks a record consumer's names and registers its handler (unless it is already) and the SDK's services.</summary>
    private static void AddRecordHandler<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(this IServiceCollection services,
        string collectionName, string mapName)
        where THandler : class, IEbpfRecordHandler
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(collectionName);
        ArgumentException.ThrowIfNullOrEmpty(mapName);
        Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAddSingleton<THandler>(services);
        services.AddEbpf();
    }

    private static IServiceCollection AddEbpfRingBufferConsumer(this IServiceCollection services, string collectionName, string mapName,
        Func<IServiceProvider, IEbpfEventHandler> handler)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(collectionName);
        ArgumentException.ThrowIfNullOrEmpty(mapName);
        services.AddEbpf();
        services.AddSingleton<IHostedService>(provider => new EbpfRingBufferConsumer(
            provider.GetRequiredKeyedService<EbpfCollectionHandle>(collectionName),
            mapName,
            handler(provider),
            provider.GetRequiredService<IBpfSyscalls>(),
            provider.GetRequiredService<EbpfMetrics>(),
            provider.GetRequiredService<ILogger<EbpfRingBufferConsumer>>()));
        return services;
    }

    private static IServiceCollection AddEbpfPerfEventConsumer(this IServiceCollection services, string collectionName, string mapName,
        Func<IServiceProvider, IEbpfEventHandler> handler, PerfEventReaderOptions? options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(collectionName);
        ArgumentException.ThrowIfNullOrEmpty(mapName);
        services.AddEbpf();
        services.AddSingleton<IHostedService>(provider => new EbpfPerfEventConsumer(
            provider.GetRequiredKeyedService<EbpfCollectionHandle>(collectionName),
            mapName,
            handler(provider),
            provider.GetRequiredService<IBpfSyscalls>(),
            provider.GetRequiredService<EbpfMetrics>(),
            provider.GetRequiredService<ILogger<EbpfPerfEventConsumer>>(),
            options));
        return services;
    }
}
