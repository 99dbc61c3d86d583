using Ebpf.Elf;
using Ebpf.Kernel;
using Ebpf.Kernel.Interop;
using Ebpf.Specs;

namespace Ebpf.Links;

/// <summary>
/// Attaches a kprobe-type program to a USDT probe as libbpf's <c>usdt_manager_attach_usdt</c> (usdt.c): read the
/// probe's notes, parse each site's arguments, give each distinct argument specification a spec id in the
/// program's <c>__bpf_usdt_specs</c> map, map each site's address to its id in <c>__bpf_usdt_ip_to_spec_id</c> when
/// the kernel has no BPF cookies, and attach a uprobe per site whose cookie is the spec id.
/// </summary>
internal static class Usdt
{
    /// <summary>The kernel's name (first 15 characters) of usdt.bpf.h's <c>__bpf_usdt_specs</c>.</summary>
    internal const string SpecsMapName = "__bpf_usdt_specs";

    /// <summary>usdt.bpf.h's <c>__bpf_usdt_ip_to_spec_id</c>.</summary>
    internal const string IpToSpecIdMapName = "__bpf_usdt_ip_to_spec_id";

    /// <summary>Attaches <paramref name="program"/> to every site of <paramref name="provider"/>:<paramref name="name"/> in <paramref name="binaryPath"/>.</summary>
    public static UsdtLink Attach(Program program, string binaryPath, string provider, string name, UsdtOptions? options)
    {
        ArgumentNullException.ThrowIfNull(program);
        var sys = program.Syscalls;
        RequireUsdt(sys);
        bool haveCookie = Features.IsSupported(new Features(sys).HaveBpfCookie);
        return Attach(program.FileDescriptor, program.Name, program.Info().MapIds, binaryPath, provider, name, options, haveCookie, sys);
    }

    /// <summary>The steps, with the program's map ids and the cookie answer given (tests give their own).</summary>
    internal static UsdtLink Attach(BpfFileDescriptor program, string programName, IReadOnlyList<uint> programMapIds, string binaryPath, string provider,
        string name, UsdtOptions? options, bool haveCookie, IBpfSyscalls sys)
    {
        ArgumentException.ThrowIfNullOrEmpty(binaryPath);
        ArgumentException.ThrowIfNullOrEmpty(provider);
        ArgumentException.ThrowIfNullOrEmpty(name);
        options ??= new UsdtOptions();
        int pid = options.Pid == 0 ? Environment.ProcessId : options.Pid < 0 ? -1 : options.Pid;
        var (targets, sharedObject) = ReadTargets(binaryPath, provider, name);
        var (specs, ipToSpecId) = FindMaps(programMapIds, programName, sys);
        var link = new UsdtLink(sys, specs is null ? null : UsdtSpecIds.For(specs.Info().Id, specs.MaxEntries), specs, ipToSpecId);
        try
        {
            var specIds = WriteSpecs(link, targets, options.Cookie, specs is not null);
            if (!haveCookie && specs is not null)
            {
                MapAddresses(link, targets, specIds, binaryPath, sharedObject, pid, ipToSpecId);
            }

            AttachUprobes(link, program, binaryPath, targets, specIds, pid, haveCookie, sys);
            return link;
        }
        catch
        {
            link.Dispose();
            throw;
        }
    }

    /// <summary>USDT needs uprobes (<see cref="Features.HaveUsdt"/>).</summary>
    private static void RequireUsdt(IBpfSyscalls sys) => new Features(sys).HaveUsdt();

    /// <summary>Step 1 and 2: the probe's sites in the binary, their file offsets and parsed arguments.</summary>
    /// <exception cref="ArgumentException">The binary has no such probe, or a site cannot be attached (no executable segment, unknown argument form).</exception>
    internal static (List<UsdtTarget> Targets, bool SharedObject) ReadTargets(string binaryPath, string provider, string name)
    {
        using var elf = ElfFile.Open(binaryPath);
        if (elf.Class != ElfClass.Elf64 || elf.Machine != ElfMachine.X86_64)
        {
            throw new PlatformNotSupportedException($"USDT arguments of {binaryPath} ({elf.Class} {elf.Machine}): only x86-64 binaries are supported");
        }

        var targets = new List<UsdtTarget>();
        foreach (var probe in UsdtNotes.Read(elf, binaryPath))
        {
            if (probe.Provider != provider || probe.Name != name)
            {
                continue;
            }

            string site = $"USDT {provider}:{name} at 0x{probe.Address:x} in {binaryPath}";
            ulong offset = probe.FileOffset ?? throw new ArgumentException($"{site} lies in no executable segment", nameof(binaryPath));
            ulong semaphore = probe.SemaphoreOffset ?? throw new ArgumentException(
                $"{site}: its semaphore 0x{probe.SemaphoreAddress:x} lies in no writable segment", nameof(binaryPath));
            UsdtArgument[] arguments;
            try
            {
                arguments = UsdtArguments.Parse(probe.Arguments);
            }
            catch (FormatException e)
            {
                throw new ArgumentException($"{site}: {e.Message}", nameof(binaryPath), e);
            }

            targets.Add(new UsdtTarget(probe, offset, semaphore, arguments));
        }

        if (targets.Count == 0)
        {
            throw new ArgumentException($"{binaryPath} has no USDT probe {provider}:{name} (list them with `ebpf usdt list {binaryPath}`)", nameof(name));
        }

        return (targets, elf.Type == ElfType.SharedObject);
    }

    /// <summary>
    /// The program's usdt.bpf.h maps among the maps it uses, by their kernel names (and sizes, for kernels without
    /// object names). A program that reads no USDT argument uses neither: it gets its uprobes without specs.
    /// </summary>
    /// <exception cref="InvalidOperationException">A map named as usdt.bpf.h's has another layout.</exception>
    internal static (Map? Specs, Map? IpToSpecId) FindMaps(IReadOnlyList<uint> mapIds, string programName, IBpfSyscalls sys)
    {
        Map? specs = null;
        Map? ipToSpecId = null;
        foreach (uint id in mapIds)
        {
            var map = Map.OpenById(id, sys);
            if (specs is null && Is(map, SpecsMapName, BpfMapType.Array, sizeof(int), UsdtSpec.Size))
            {
                specs = map;
            }
            else if (ipToSpecId is null && Is(map, IpToSpecIdMapName, BpfMapType.Hash, sizeof(long), sizeof(uint)))
            {
                ipToSpecId = map;
            }
            else
            {
                map.Dispose();
            }
        }

        return (specs, ipToSpecId);

        bool Is(Map map, string fullName, BpfMapType type, uint keySize, uint valueSize)
        {
            bool named = map.Name.Length > 0 && fullName.StartsWith(map.Name, StringComparison.Ordinal) && map.Name.Length >= Math.Min(15, fullName.Length);
            bool shaped = map.Type == type && map.KeySize == keySize && map.ValueSize == valueSize;
            if (named && !shaped)
            {
                throw new InvalidOperationException(
                    $"program {programName}: map {map.Name} is not usdt.bpf.h's {fullName} ({type}, key {keySize}, value {valueSize} bytes) but {map}");
            }

            return shaped && (named || map.Name.Length == 0);
        }
    }

    /// <summary>Step 3: a spec id per distinct argument specification (as libbpf, only within this attachment), written into <c>__bpf_usdt_specs</c>.</summary>
    private static int[] WriteSpecs(UsdtLink link, List<UsdtTarget> targets, ulong cookie, bool haveSpecsMap)
    {
        var ids = new int[targets.Count];
        if (!haveSpecsMap)
        {
            return ids;
        }

        var byText = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < targets.Count; i++)
        {
            string text = targets[i].Probe.Arguments;
            if (!byText.TryGetValue(text, out int id))
            {
                id = link.AddSpec(UsdtSpec.Encode(targets[i].Arguments, cookie));
                byText.Add(text, id);
            }

            ids[i] = id;
        }

        return ids;
    }

    /// <summary>
    /// Step 4, without BPF cookies: each site's address (as the program sees it in <c>PT_REGS_IP</c>) to its spec id.
    /// An executable's address is its link-time one; a shared object's depends on where the process mapped it, so
    /// it needs a process.
    /// </summary>
    private static void MapAddresses(UsdtLink link, List<UsdtTarget> targets, int[] specIds, string binaryPath, bool sharedObject, int pid, Map? ipToSpecId)
    {
        if (ipToSpecId is null)
        {
            throw new InvalidOperationException($"the kernel has no BPF cookies (5.15), so USDT needs usdt.bpf.h's {IpToSpecIdMapName} map, which the program does not use");
        }

        if (sharedObject && pid < 0)
        {
            throw new EbpfNotSupportedException(
                $"USDT probes of a shared object or PIE executable ({binaryPath}) in every process: without BPF cookies they need a process (UsdtOptions.Pid)",
                "5.15", Errno.None);
        }

        for (int i = 0; i < targets.Count; i++)
        {
            long address = sharedObject
                ? UsdtProcessMappings.AbsoluteAddress(pid, binaryPath, targets[i].FileOffset)
                : (long)targets[i].Probe.AdjustedAddress;
            link.AddInstructionPointer(address, specIds[i]);
        }
    }

    /// <summary>Step 5: a uprobe per site, with the spec id as BPF cookie and the semaphore as reference counter.</summary>
    private static void AttachUprobes(UsdtLink link, BpfFileDescriptor program, string binaryPath, List<UsdtTarget> targets, int[] specIds, int pid,
        bool haveCookie, IBpfSyscalls sys)
    {
        for (int i = 0; i < targets.Count; i++)
        {
            var options = new UprobeOptions
            {
                Pid = pid,
                Cookie = haveCookie ? (ulong)specIds[i] : 0,
                ReferenceCounterOffset = targets[i].SemaphoreOffset,
            };
            link.AddUprobe(Uprobe.Attach(program, binaryPath, targets[i].FileOffset, options, sys));
        }
    }
}
