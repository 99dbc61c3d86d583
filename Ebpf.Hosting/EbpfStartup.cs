using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ebpf.Hosting;

/// <summary>
/// Runs first at host start: applies the <see cref="EbpfOptions.Memlock"/> policy and logs which kernel the host runs on.
/// </summary>
public sealed partial class EbpfStartup : IHostedService
{
    private static readonly Version MemcgAccounting = new(5, 11);

    private readonly IBpfSyscalls _syscalls;
    private readonly EbpfOptions _options;
    private readonly ILogger<EbpfStartup> _logger;
    private readonly Version _kernel;

    /// <summary>Creates the service; <paramref name="kernelVersion"/> defaults to the running kernel's.</summary>
    public EbpfStartup(IOptions<EbpfOptions> options, IBpfSyscalls syscalls, ILogger<EbpfStartup> logger, Version? kernelVersion = null)
    {
        _syscalls = syscalls;
        _options = options.Value;
        _logger = logger;
        _kernel = kernelVersion ?? Environment.OSVersion.Version;
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogKernel(_logger, _kernel);
        bool raise = _options.Memlock switch
        {
            MemlockPolicy.Remove => true,
            MemlockPolicy.RaiseWhenNeeded => _kernel < MemcgAccounting,
            _ => false,
        };
        if (raise)
        {
            ulong previous = MemlockLimit.Remove(_syscalls.System());
            if (previous != ResourceLimit.Infinity)
                LogMemlockRaised(_logger, previous);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(1, LogLevel.Debug, "eBPF host on Linux {Kernel}")]
    private static partial void LogKernel(ILogger logger, Version kernel);

    [LoggerMessage(2, LogLevel.Information, "RLIMIT_MEMLOCK raised from {Previous} bytes to unlimited for BPF maps and programs")]
    private static partial void LogMemlockRaised(ILogger logger, ulong previous);
}
