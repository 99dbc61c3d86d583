using System.Globalization;

namespace Ebpf.Links;

/// <summary>Looks up interface indexes by name in this process's network namespace.</summary>
public static class NetworkInterfaceIndex
{
    /// <summary>The index of <paramref name="interfaceName"/> (<c>/sys/class/net/&lt;name&gt;/ifindex</c>).</summary>
    /// <param name="interfaceName">The device name.</param>
    /// <exception cref="ArgumentException">No such device.</exception>
    public static int Of(string interfaceName)
    {
        Tracefs.ValidateName(interfaceName, nameof(interfaceName));
        string file = Path.Combine("/sys/class/net", interfaceName, "ifindex");
        if (!File.Exists(file))
        {
            throw new ArgumentException($"network interface {interfaceName} does not exist", nameof(interfaceName));
        }

        return int.Parse(File.ReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
    }
}
