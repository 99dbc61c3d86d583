using System.Globalization;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;

namespace Ebpf.Links;

/// <summary>
/// Finds the tracefs (<c>/sys/kernel/tracing</c>, or <c>/sys/kernel/debug/tracing</c> on old systems) and mounts it at
/// <c>/sys/kernel/tracing</c> when nothing is mounted; reads tracepoint event ids.
/// </summary>
public static class Tracefs
{
    /// <summary>Where the tracefs is mounted on current systems.</summary>
    public const string DefaultPath = "/sys/kernel/tracing";

    private const string DebugfsPath = "/sys/kernel/debug/tracing";
    private static readonly Lock Gate = new();
    private static string? _path;

    /// <summary>The tracefs root, mounting it at <see cref="DefaultPath"/> when needed (needs CAP_SYS_ADMIN).</summary>
    /// <param name="syscalls">The kernel interface used to mount; null for the running kernel.</param>
    /// <exception cref="EbpfNotSupportedException">The kernel has no tracefs (CONFIG_TRACING off) or it cannot be mounted.</exception>
    public static string GetPath(IBpfSyscalls? syscalls = null)
    {
        lock (Gate)
        {
            if (_path is not null && Directory.Exists(Path.Combine(_path, "events")))
            {
                return _path;
            }

            foreach (var candidate in new[] { DefaultPath, DebugfsPath })
            {
                if (Directory.Exists(Path.Combine(candidate, "events")))
                {
                    return _path = candidate;
                }
            }

            if (!Directory.Exists(DefaultPath))
            {
                throw new EbpfNotSupportedException("tracefs (CONFIG_TRACING)", "4.1", Errno.ENOENT);
            }

            try
            {
                (syscalls ?? LinuxBpfSyscalls.Instance).System().Mount("nodev", DefaultPath, "tracefs", 0, null);
            }
            catch (EbpfException e) when (e.Errno is Errno.ENODEV or Errno.ENOENT)
            {
                throw new EbpfNotSupportedException("tracefs (CONFIG_TRACING)", "4.1", e.Errno, e);
            }

            return _path = DefaultPath;
        }
    }

    /// <summary>The id of tracepoint <paramref name="group"/>/<paramref name="name"/> (<c>events/&lt;group&gt;/&lt;name&gt;/id</c>).</summary>
    /// <param name="group">The tracepoint group (subsystem), e.g. <c>syscalls</c>.</param>
    /// <param name="name">The tracepoint name, e.g. <c>sys_enter_getpid</c>.</param>
    /// <param name="syscalls">The kernel interface used to mount the tracefs; null for the running kernel.</param>
    /// <exception cref="ArgumentException">No such tracepoint.</exception>
    public static uint EventId(string group, string name, IBpfSyscalls? syscalls = null)
    {
        ValidateName(group, nameof(group));
        ValidateName(name, nameof(name));
        string file = Path.Combine(GetPath(syscalls), "events", group, name, "id");
        if (!File.Exists(file))
        {
            throw new ArgumentException($"tracepoint {group}/{name} does not exist ({file} is missing)", nameof(name));
        }

        return uint.Parse(File.ReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
    }

    /// <summary>Rejects names that would leave the events directory.</summary>
    internal static void ValidateName(string value, string parameter)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, parameter);
        if (value.Contains('/', StringComparison.Ordinal) || value is "." or "..")
        {
            throw new ArgumentException($"'{value}' is not a tracefs event or group name", parameter);
        }
    }
}
