using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Ebpf.Asm;
using Ebpf.Btf;

namespace Ebpf.Specs;

/// <summary>
/// The kernel's build configuration (<c>CONFIG_*</c>) and version, for the <c>__kconfig</c> externs of a
/// collection: <see cref="Apply"/> writes their values into the <c>.kconfig</c> variables as libbpf does.
/// Only reads files; needs no privileges.
/// </summary>
public sealed class KernelConfig
{
    private const string KernelVersionExtern = "LINUX_KERNEL_VERSION";

    /// <summary>
    /// The <c>.kconfig</c> extern libbpf sets to whether the kernel has BPF cookies (<c>bpf_get_attach_cookie</c>):
    /// a feature probe, which the collection load runs (see <see cref="SetFeatureExtern"/>).
    /// </summary>
    public const string HasBpfCookieExtern = "LINUX_HAS_BPF_COOKIE";

    /// <summary>
    /// The <c>.kconfig</c> extern libbpf sets to whether syscalls enter through arch-specific wrappers
    /// (<c>__x64_sys_bpf</c>): a feature probe, which the collection load runs (see <see cref="SetFeatureExtern"/>).
    /// </summary>
    public const string HasSyscallWrapperExtern = "LINUX_HAS_SYSCALL_WRAPPER";

    /// <summary>The feature externs (<see cref="HasBpfCookieExtern"/>, <see cref="HasSyscallWrapperExtern"/>) a spec declares.</summary>
    /// <param name="spec">A collection spec.</param>
    public static IReadOnlyList<string> FeatureExterns(CollectionSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new[] { HasBpfCookieExtern, HasSyscallWrapperExtern }
            .Where(name => spec.Variables.TryGetValue(name, out var v) && v.MapName == ElfObjectReader.KconfigSection)
            .ToArray();
    }

    /// <summary>Writes a feature extern's value (1 or 0, as a number of the variable's size), as libbpf does.</summary>
    /// <param name="spec">A collection spec declaring the extern.</param>
    /// <param name="name"><see cref="HasBpfCookieExtern"/> or <see cref="HasSyscallWrapperExtern"/>.</param>
    /// <param name="value">What the feature probe found.</param>
    /// <exception cref="ArgumentException">The spec has no such <c>.kconfig</c> extern, or it is wider than 8 bytes.</exception>
    public static void SetFeatureExtern(CollectionSpec spec, string name, bool value)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!spec.Variables.TryGetValue(name, out var variable) || variable.MapName != ElfObjectReader.KconfigSection)
        {
            throw new ArgumentException($"the spec has no .kconfig extern '{name}'", nameof(name));
        }

        var bytes = new byte[variable.Size];
        if (!TryWriteNumber(bytes, value ? 1UL : 0UL, variable.ByteOrder))
        {
            throw new ArgumentException($"the .kconfig extern '{name}' is {variable.Size} bytes, not a number", nameof(name));
        }

        variable.SetBytes(bytes);
    }

    /// <summary>Creates a configuration from raw values.</summary>
    /// <param name="values">Option values by name (<c>CONFIG_HZ</c> → <c>250</c>, <c>CONFIG_BPF</c> → <c>y</c>,
    /// strings with their quotes); unset options as <c>n</c> or absent.</param>
    /// <param name="kernelVersion">The kernel version as <c>KERNEL_VERSION(a, b, c)</c> computes it.</param>
    public KernelConfig(IReadOnlyDictionary<string, string> values, uint kernelVersion)
    {
        ArgumentNullException.ThrowIfNull(values);
        Values = values;
        KernelVersion = kernelVersion;
    }

    /// <summary>Option values by name, as written in the config file (<c>y</c>, <c>m</c>, <c>n</c>, numbers, quoted strings).</summary>
    public IReadOnlyDictionary<string, string> Values { get; }

    /// <summary>The kernel version, <c>(major &lt;&lt; 16) | (minor &lt;&lt; 8) | min(patch, 255)</c>; the value of <c>LINUX_KERNEL_VERSION</c>.</summary>
    public uint KernelVersion { get; }

    /// <summary>
    /// Reads the running kernel's configuration from <c>/proc/config.gz</c> or <c>/boot/config-$(uname -r)</c>, and
    /// its version as libbpf does (<c>/proc/version_signature</c> on Ubuntu, otherwise the release).
    /// </summary>
    /// <exception cref="FileNotFoundException">Neither config file exists.</exception>
    public static KernelConfig Load()
    {
        string release = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        uint version = ParseKernelVersion(release);
        if (File.Exists("/proc/version_signature"))
        {
            // "Ubuntu 5.4.0-42.46-generic 5.4.44": the last field is the upstream version.
            var fields = File.ReadAllText("/proc/version_signature").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (fields.Length > 0 && TryParseKernelVersion(fields[^1], out uint ubuntu))
            {
                version = ubuntu;
            }
        }

        foreach (string path in new[] { "/proc/config.gz", $"/boot/config-{release}" })
        {
            if (File.Exists(path))
            {
                return Load(path, version);
            }
        }

        throw new FileNotFoundException($"no kernel config: neither /proc/config.gz nor /boot/config-{release} exists");
    }

    /// <summary>Reads a config file, gzip-compressed or not.</summary>
    /// <param name="path">The file (<c>/proc/config.gz</c>, <c>/boot/config-6.1.0</c>, a <c>.config</c>).</param>
    /// <param name="kernelVersion">The kernel version to report.</param>
    public static KernelConfig Load(string path, uint kernelVersion)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes = File.ReadAllBytes(path);
        Stream stream = new MemoryStream(bytes);
        if (bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b)
        {
            stream = new GZipStream(stream, CompressionMode.Decompress);
        }

        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Parse(reader, kernelVersion);
    }

    /// <summary>Parses config text: <c>CONFIG_X=value</c> lines and <c># CONFIG_X is not set</c> comments.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="kernelVersion">The kernel version to report.</param>
    public static KernelConfig Parse(TextReader reader, uint kernelVersion)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            line = line.Trim();
            if (line.StartsWith("# CONFIG_", StringComparison.Ordinal) && line.EndsWith(" is not set", StringComparison.Ordinal))
            {
                values[line[2..^" is not set".Length]] = "n";
            }
            else if (line.StartsWith("CONFIG_", StringComparison.Ordinal) && line.IndexOf('=') is > 0 and int equals)
            {
                values[line[..equals]] = line[(equals + 1)..];
            }
        }

        return new KernelConfig(values, kernelVersion);
    }

    /// <summary>Turns a release such as <c>6.18.0-rc1</c> into <c>KERNEL_VERSION(6, 18, 0)</c>.</summary>
    /// <exception cref="FormatException">The release does not start with <c>major.minor</c>.</exception>
    public static uint ParseKernelVersion(string release) =>
        TryParseKernelVersion(release, out uint version) ? version : throw new FormatException($"'{release}' is not a kernel release");

    /// <summary>
    /// Writes the value of every <c>.kconfig</c> variable of <paramref name="spec"/>: <c>LINUX_KERNEL_VERSION</c>
    /// and each <c>CONFIG_*</c> by its type (bool, <c>enum libbpf_tristate</c>, char, integers, char arrays).
    /// Variables without a usable value are zeroed, as libbpf does for weak externs.
    /// </summary>
    /// <param name="spec">A collection spec read by <see cref="CollectionSpec.Load(string)"/>.</param>
    /// <returns>The names of the externs left zero (unknown options, or values their type cannot hold); libbpf
    /// fails the load for those that are not <c>__weak</c>.</returns>
    public IReadOnlyList<string> Apply(CollectionSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var missing = new List<string>();
        foreach (var variable in spec.Variables.Values)
        {
            if (variable.MapName != ElfObjectReader.KconfigSection || variable.Name is HasBpfCookieExtern or HasSyscallWrapperExtern)
            {
                continue; // feature externs: the collection load probes the kernel for them
            }

            var bytes = new byte[variable.Size];
            bool set = variable.Name == KernelVersionExtern
                ? TryWriteNumber(bytes, KernelVersion, variable.ByteOrder)
                : Values.TryGetValue(variable.Name, out var value) && TryEncode(value, Kind(spec.Types, variable), bytes, variable.ByteOrder);
            if (!set)
            {
                Array.Clear(bytes);
                missing.Add(variable.Name);
            }

            variable.SetBytes(bytes);
        }

        return missing;
    }

    private enum ValueKind
    {
        Unknown,
        Bool,
        Tristate,
        Char,
        CharArray,
        Integer,
    }

    private static bool TryParseKernelVersion(string release, out uint version)
    {
        version = 0;
        var parts = new uint[3];
        int part = 0, i = 0;
        for (; part < 3; part++)
        {
            int start = i;
            while (i < release.Length && char.IsAsciiDigit(release[i]))
            {
                i++;
            }

            if (i == start || !uint.TryParse(release.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out parts[part]))
            {
                break;
            }

            if (i >= release.Length || release[i] != '.')
            {
                part++;
                break;
            }

            i++;
        }

        if (part < 2)
        {
            return false;
        }

        version = (Math.Min(parts[0], 255) << 16) | (Math.Min(parts[1], 255) << 8) | Math.Min(parts[2], 255);
        return true;
    }

    // What libbpf's find_kcfg_type makes of an extern's type.
    private static ValueKind Kind(BtfSpec? btf, VariableSpec variable)
    {
        if (btf is null || variable.Type is null)
        {
            return ValueKind.Unknown;
        }

        var type = btf.ResolveUnderlying(variable.Type.Id);
        return type switch
        {
            BtfInt { Size: 1, Encoding: var e } when (e & BtfIntEncoding.Bool) != 0 => ValueKind.Bool,
            BtfInt { Size: 1, Encoding: var e } when (e & BtfIntEncoding.Char) != 0 => ValueKind.Char,
            BtfInt { Size: 1 or 2 or 4 or 8 } => ValueKind.Integer,
            BtfEnumeration { Name: "libbpf_tristate", Size: 4 } => ValueKind.Tristate,
            BtfArray array when btf.ResolveUnderlying(array.ElementTypeId) is BtfInt { Size: 1 } => ValueKind.CharArray,
            _ => ValueKind.Unknown,
        };
    }

    private static bool TryEncode(string value, ValueKind kind, byte[] bytes, ByteOrder order)
    {
        if (value is "y" or "m" or "n")
        {
            char c = value[0];
            return kind switch
            {
                ValueKind.Bool when c != 'm' => TryWriteNumber(bytes, c == 'y' ? 1UL : 0UL, order),
                ValueKind.Tristate => TryWriteNumber(bytes, c switch { 'y' => 1UL, 'm' => 2UL, _ => 0UL }, order),
                ValueKind.Char => TryWriteNumber(bytes, c, order),
                _ => false,
            };
        }

        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            if (kind != ValueKind.CharArray)
            {
                return false;
            }

            // Truncated to fit with its terminating NUL, as libbpf does.
            byte[] text = Encoding.UTF8.GetBytes(value[1..^1]);
            text.AsSpan(0, Math.Min(text.Length, bytes.Length - 1)).CopyTo(bytes);
            return true;
        }

        if (kind is not (ValueKind.Integer or ValueKind.Char or ValueKind.Bool) || !TryParseNumber(value, out ulong number))
        {
            return false;
        }

        return (kind != ValueKind.Bool || number <= 1) && TryWriteNumber(bytes, number, order);
    }

    // strtoull with base 0: decimal, 0x hex, 0 octal; a leading '-' wraps around.
    private static bool TryParseNumber(string text, out ulong value)
    {
        bool negative = text.StartsWith('-');
        ReadOnlySpan<char> digits = negative ? text.AsSpan(1) : text;
        bool ok = digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(digits[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
            : digits.Length > 1 && digits[0] == '0'
                ? TryParseOctal(digits[1..], out value)
                : ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        if (ok && negative)
        {
            value = unchecked(0UL - value);
        }

        return ok;
    }

    private static bool TryParseOctal(ReadOnlySpan<char> digits, out ulong value)
    {
        value = 0;
        foreach (char c in digits)
        {
            if (c is < '0' or > '7' || value > ulong.MaxValue >> 3)
            {
                return false;
            }

            value = (value << 3) | (uint)(c - '0');
        }

        return true;
    }

    // Writes the low bytes of a number; false when it does not fit the variable (unsigned or sign-extended).
    private static bool TryWriteNumber(Span<byte> bytes, ulong value, ByteOrder order)
    {
        int size = bytes.Length;
        if (size is not (1 or 2 or 4 or 8))
        {
            return false;
        }

        if (size < 8)
        {
            ulong high = value >> (size * 8);
            ulong signExtension = ulong.MaxValue >> (size * 8);
            bool fitsSigned = high == signExtension && ((value >> (size * 8 - 1)) & 1) == 1;
            if (high != 0 && !fitsSigned)
            {
                return false;
            }
        }

        Span<byte> buffer = stackalloc byte[8];
        if (order == ByteOrder.BigEndian)
        {
            BinaryPrimitives.WriteUInt64BigEndian(buffer, value);
            buffer[(8 - size)..].CopyTo(bytes);
        }
        else
        {
            BinaryPrimitives.WriteUInt64LittleEndian(buffer, value);
            buffer[..size].CopyTo(bytes);
        }

        return true;
    }
}
