using Microsoft.Extensions.Options;

namespace WebAgent.Options;

/// <summary>Refuses settings the agent cannot run with, naming the setting, its value and what is allowed.</summary>
internal sealed class AgentOptionsValidator : IValidateOptions<AgentOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        var failures = new List<string>();
        const string S = AgentOptions.SectionName;
        var all = AgentProbes.Exec | AgentProbes.Exit | AgentProbes.SyscallLatency;
        if (options.Probes == AgentProbes.None || (options.Probes & ~all) != 0)
        {
            failures.Add($"{S}:Probes is '{options.Probes}': name one or more of Exec, Exit, SyscallLatency (comma-separated)");
        }

        if (options.Pid < 0)
        {
            failures.Add($"{S}:Pid is {options.Pid}: give a process id, or 0 for every process");
        }

        int page = Environment.SystemPageSize;
        if (options.RingBufferSize < page || !int.IsPow2(options.RingBufferSize))
        {
            failures.Add($"{S}:RingBufferSize is {options.RingBufferSize}: the kernel needs a power of two of at least {page} bytes (one page)");
        }

        if (options.EventRows is < 1 or > 1000)
        {
            failures.Add($"{S}:EventRows is {options.EventRows}: give 1 to 1000");
        }

        if (!string.IsNullOrEmpty(options.OtlpEndpoint)
            && !(Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            failures.Add($"{S}:OtlpEndpoint is '{options.OtlpEndpoint}': give an absolute http:// or https:// address, or leave it empty to turn OTLP off");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
