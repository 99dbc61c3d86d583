using Ebpf.Btf;
using Ebpf.Kernel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ebpf.Kernel.Interop;

namespace Ebpf.Hosting;

/// <summary>Registers the eBPF SDK's services with a host.</summary>
public static class EbpfServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IBpfSyscalls"/> (the Linux implementation unless one is registered already), <see cref="Features"/>,
    /// the kernel BTF cache (<see cref="KernelBtf"/>), <see cref="EbpfMetrics"/> and the <see cref="EbpfStartup"/> hosted service.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Changes to the options, applied after configuration binding.</param>
    /// <returns>The same collection.</returns>
    public static IServiceCollection AddEbpf(this IServiceCollection services, Action<EbpfOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<EbpfOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton<IBpfSyscalls>(LinuxBpfSyscalls.Instance);
        services.TryAddSingleton(provider => new Features(provider.GetRequiredService<IBpfSyscalls>()));
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<EbpfOptions>>().Value;
            return options.KernelBtfPath is null && options.ModuleBtfDirectory is null
                ? KernelBtf.Shared
                : new KernelBtf(options.KernelBtfPath, options.ModuleBtfDirectory);
        });
        services.TryAddSingleton(provider => new EbpfMetrics(provider.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, EbpfStartup>(provider => new EbpfStartup(
            provider.GetRequiredService<IOptions<EbpfOptions>>(), provider.GetRequiredService<IBpfSyscalls>(), provider.GetRequiredService<ILogger<EbpfStartup>>())));
        return services;
    }

    /// <summary>Adds the SDK's services with options bound from <paramref name="configuration"/>'s <c>Ebpf</c> section.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration root or any section holding an <c>Ebpf</c> child.</param>
    /// <param name="configure">Changes applied after binding.</param>
    /// <returns>The same collection.</returns>
    public static IServiceCollection AddEbpf(this IServiceCollection services, IConfiguration configuration, Action<EbpfOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.Configure<EbpfOptions>(configuration.GetSection(EbpfOptions.SectionName));
        return services.AddEbpf(configure);
    }
}
