namespace Ebpf.Kernel;

/// <summary>The running kernel's configuration and version, read once for the <c>__kconfig</c> externs of collections.</summary>
internal static class RunningKernelConfig
{
    private static readonly Lazy<KernelConfig> Config = new(Read);

    /// <summary>The configuration; without a config file only the version (from the release), as libbpf needs no file then.</summary>
    public static KernelConfig Value => Config.Value;

    /// <summary>Whether a config file was found (false: <see cref="Value"/> holds only the version).</summary>
    public static bool HasConfigFile => Config.Value.Values.Count > 0;

    private static KernelConfig Read()
    {
        try
        {
            return KernelConfig.Load();
        }
        catch (FileNotFoundException)
        {
            string release = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
            return new KernelConfig(new Dictionary<string, string>(StringComparer.Ordinal), KernelConfig.ParseKernelVersion(release));
        }
    }
}
