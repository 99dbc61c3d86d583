namespace Ebpf.Links;

/// <summary>
/// One USDT probe site of an executable or shared library: a <c>.note.stapsdt</c> note written by <c>sys/sdt.h</c>
/// (<c>STAP_PROBE</c>, <c>DTRACE_PROBE</c>), as <c>readelf -n</c> shows it, with the file offsets a uprobe takes.
/// A probe inlined in several places has one site per place, all with the same provider and name.
/// </summary>
/// <param name="Provider">The provider, e.g. <c>python</c>.</param>
/// <param name="Name">The probe name, e.g. <c>function__entry</c>.</param>
/// <param name="Address">The link-time address of the probe's <c>nop</c> (the note's <c>pc</c>, "Location").</param>
/// <param name="BaseAddress">The link-time address of <c>.stapsdt.base</c> the note records ("Base"; 0 for none).</param>
/// <param name="SemaphoreAddress">The link-time address of the probe's 16-bit semaphore ("Semaphore"; 0 for none).</param>
/// <param name="Arguments">The argument specification, e.g. <c>8@%rbp 8@%r12 -4@%eax</c> (empty for none).</param>
public sealed record UsdtProbe(string Provider, string Name, ulong Address, ulong BaseAddress, ulong SemaphoreAddress, string Arguments)
{
    /// <summary>
    /// The file offset of the probe's instruction, where the uprobe goes: <see cref="Address"/> moved by the prelink
    /// adjustment (<c>.stapsdt.base</c>'s address minus <see cref="BaseAddress"/>) and translated through the
    /// executable loadable segment that holds it; null when no such segment holds it.
    /// </summary>
    public ulong? FileOffset { get; init; }

    /// <summary>
    /// The file offset of the semaphore (the uprobe's reference counter, <see cref="UprobeOptions.ReferenceCounterOffset"/>),
    /// translated through the writable loadable segment that holds it; 0 when the probe has none, null when no
    /// non-executable segment holds it.
    /// </summary>
    public ulong? SemaphoreOffset { get; init; }

    /// <summary>The address of the probe after the prelink adjustment (equal to <see cref="Address"/> unless the binary was prelinked).</summary>
    public ulong AdjustedAddress { get; init; }

    /// <summary>The number of arguments in <see cref="Arguments"/>.</summary>
    public int ArgumentCount => Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    /// <summary>
    /// Reads the USDT probes of <paramref name="binaryPath"/>, in note order; empty when it has no
    /// <c>.note.stapsdt</c> section.
    /// </summary>
    /// <param name="binaryPath">An ELF64 executable or shared library.</param>
    /// <exception cref="Ebpf.Elf.ElfFormatException">The file is not a valid ELF64 file, or a note is malformed.</exception>
    /// <exception cref="ArgumentException">The file is not an executable or shared library.</exception>
    public static IReadOnlyList<UsdtProbe> Read(string binaryPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(binaryPath);
        using var elf = Ebpf.Elf.ElfFile.Open(binaryPath);
        return UsdtNotes.Read(elf, binaryPath);
    }

    /// <inheritdoc />
    public override string ToString() => $"usdt:{Provider}:{Name} 0x{Address:x} [{Arguments}]";
}
