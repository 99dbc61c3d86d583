using Ebpf.Btf;
using Ebpf.Kernel;
using Ebpf.Links;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ebpf.Kernel.Interop;

namespace Ebpf.Hosting;

/// <summary>
/// Loads one collection at host start (with the host's <see cref="IBpfSyscalls"/>, <see cref="KernelBtf"/> and
/// <see cref="EbpfOptions"/>), runs its attach callbacks, and at stop closes the links in reverse order, then the
/// collection (pinned objects stay pinned).
/// </summary>
public sealed partial class EbpfCollectionService : IHostedService
{
    private readonly EbpfCollectionBuilder _builder;
    private readonly EbpfCollectionHandle _handle;
    private readonly IServiceProvider _services;
    private readonly IBpfSyscalls _syscalls;
    private readonly KernelBtf _kernelBtf;
    private readonly EbpfOptions _options;
    private readonly EbpfMetrics _metrics;
    private readonly ILogger _logger;
    private Collection? _collection;
    private List<ILink> _links = [];

    internal EbpfCollectionService(EbpfCollectionBuilder builder, EbpfCollectionHandle handle, IServiceProvider services,
        IOptions<EbpfOptions> options, IBpfSyscalls syscalls, KernelBtf kernelBtf, EbpfMetrics metrics, ILogger<EbpfCollectionService> logger)
    {
        _builder = builder;
        _handle = handle;
        _services = services;
        _syscalls = syscalls;
        _kernelBtf = kernelBtf;
        _options = options.Value;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>The load options built from <see cref="EbpfOptions"/>, the kernel BTF and the builder's <c>Configure</c> calls.</summary>
    public CollectionLoadOptions LoadOptions()
    {
        var level = _options.VerifierLogLevel >= 2 ? VerifierLogLevel.Instruction : VerifierLogLevel.Branch;
        var options = new CollectionLoadOptions
        {
            PinPath = string.IsNullOrEmpty(_options.PinPath) ? null : _options.PinPath,
            TokenPath = _options.TokenPath,

            // EbpfOptions.FeatureFallback: go on without a debug aid the kernel rejects (logged), or fail.
            Fallbacks = new FeatureFallbacks
            {
                Allowed = _options.FeatureFallback == FeatureFallbackPolicy.Fallback,
                Report = message => LogFallback(_logger, _builder.Name, message),
            },
            Programs = ProgramLoadOptions.Default with
            {
                KernelBtf = _kernelBtf,

                // A log on the first attempt only when someone reads it at Debug; a failed load is retried with a log anyway.
                LogLevel = _logger.IsEnabled(LogLevel.Debug) ? level : VerifierLogLevel.None,
                LogSize = Math.Clamp(_options.VerifierLogSize, ProgramLoadOptions.MinimumLogSize, ProgramLoadOptions.MaximumLogSize),
            },
        };
        foreach (var configure in _builder.Configurations)
        {
            options = configure(options);
        }

        return options;
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var source = _builder.SpecSource ?? throw new InvalidOperationException(
                $"collection {_builder.Name}: no object given (call FromFile, FromResource, FromBytes or FromSpec)");
            var spec = source(_services);
            _collection = Collection.Load(spec, LoadOptions(), _syscalls);
            LogLoaded(_logger, _builder.Name, _builder.SourceDescription, _collection.Programs.Count, _collection.Maps.Count);
            foreach (var program in _collection.Programs.Values)
            {
                if (!string.IsNullOrEmpty(program.VerifierLog))
                {
                    LogVerifierLog(_logger, _builder.Name, program.Name, program.VerifierLog);
                }
            }

            foreach (var attach in _builder.Attachments)
            {
                foreach (var link in attach(_collection, _services))
                {
                    _links.Add(link);
                    _metrics.LinksAttached(_builder.Name);
                    LogAttached(_logger, _builder.Name, link.ToString());
                }
            }

            _handle.SetLoaded(_collection, _links.AsReadOnly());
            _metrics.CollectionLoaded(_builder.Name, succeeded: true);
        }
        catch (Exception e)
        {
            if (e is EbpfVerifierException verifier)
            {
                if (verifier.Log.Length > 0)
                {
                    LogVerifierLog(_logger, _builder.Name, "(failed)", verifier.Log);
                }

                LogVerifierRejected(_logger, e, _builder.Name, verifier.Summary ?? verifier.Message);
            }
            else
            {
                LogLoadFailed(_logger, e, _builder.Name, e.Message);
            }

            Close();
            _handle.SetFailed(e);
            _metrics.CollectionLoaded(_builder.Name, succeeded: false);
            if (!_builder.ContinuesOnFailure)
            {
                throw;
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        bool wasLoaded = _collection is not null;
        Close();
        _handle.SetStopped();
        if (wasLoaded)
        {
            LogStopped(_logger, _builder.Name);
        }

        return Task.CompletedTask;
    }

    // Links first, newest first, then the collection.
    private void Close()
    {
        for (int i = _links.Count - 1; i >= 0; i--)
        {
            try
            {
                _links[i].Dispose();
            }
            catch (Exception e)
            {
                LogCloseFailed(_logger, e, _builder.Name, _links[i].ToString());
            }
        }

        _links = [];
        _collection?.Dispose();
        _collection = null;
    }

    [LoggerMessage(1, LogLevel.Information, "eBPF collection {Name} loaded from {Source}: {Programs} programs, {Maps} maps")]
    private static partial void LogLoaded(ILogger logger, string name, string? source, int programs, int maps);

    [LoggerMessage(2, LogLevel.Information, "eBPF collection {Name}: attached {Link}")]
    private static partial void LogAttached(ILogger logger, string name, string? link);

    [LoggerMessage(3, LogLevel.Debug, "eBPF collection {Name}, program {Program}: verifier log\n{Log}")]
    private static partial void LogVerifierLog(ILogger logger, string name, string program, string log);

    [LoggerMessage(4, LogLevel.Error, "eBPF collection {Name}: the verifier rejected a program: {Summary}")]
    private static partial void LogVerifierRejected(ILogger logger, Exception exception, string name, string summary);

    [LoggerMessage(5, LogLevel.Error, "eBPF collection {Name} failed to load or attach: {Reason}")]
    private static partial void LogLoadFailed(ILogger logger, Exception exception, string name, string reason);

    [LoggerMessage(6, LogLevel.Information, "eBPF collection {Name}: links closed and collection disposed")]
    private static partial void LogStopped(ILogger logger, string name);

    [LoggerMessage(7, LogLevel.Warning, "eBPF collection {Name}: closing {Link} failed")]
    private static partial void LogCloseFailed(ILogger logger, Exception exception, string name, string? link);

    [LoggerMessage(8, LogLevel.Warning, "eBPF collection {Name}: {Fallback}")]
    private static partial void LogFallback(ILogger logger, string name, string fallback);
}
