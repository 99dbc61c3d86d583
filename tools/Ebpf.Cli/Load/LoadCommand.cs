using System.CommandLine;
using System.Globalization;
using Ebpf.Kernel;
using Ebpf.Specs;
using Ebpf.Kernel.Interop;

namespace Ebpf.Cli.Load;

/// <summary>
/// <c>ebpf load FILE.o [--pin DIR] [--token BPFFS]</c>: loads every map and program of an object. Without <c>--pin</c> the objects
/// go away when the command ends (a check that the kernel accepts the object); with it, programs are pinned as
/// <c>DIR/progs/NAME</c>, maps as <c>DIR/maps/NAME</c> (dots become <c>_</c>, as bpffs refuses them), and maps the object pins by name under <c>DIR</c>.
/// <c>--token</c> names the delegated bpffs to take a BPF token from (empty for none); without it libbpf's rules apply
/// (<c>LIBBPF_BPF_TOKEN_PATH</c>, see <see cref="CollectionLoadOptions.TokenPath"/>).
/// </summary>
public static class LoadCommand
{
    /// <summary>Creates the <c>load</c> command.</summary>
    public static Command Create()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A BPF ELF object (.o)." };
        var pin = new Option<DirectoryInfo?>("--pin") { Description = "A directory on a bpffs to pin programs and maps under." };
        var token = new Option<string?>("--token")
        {
            Description = "A bpffs mounted with delegate_* options to take a BPF token from (empty: none). Default: LIBBPF_BPF_TOKEN_PATH, else /sys/fs/bpf when it yields one.",
        };
        var command = new Command("load", "Load an object's maps and programs into the kernel.") { file, pin, token };
        command.SetAction(result => Run(
            LinuxBpfSyscalls.Instance, result.GetValue(file)!.FullName, result.GetValue(pin)?.FullName, Console.Out, Console.Error, result.GetValue(token)));
        return command;
    }

    /// <summary>Loads the object (with a BPF token from <paramref name="tokenPath"/>, by <see cref="CollectionLoadOptions.TokenPath"/>'s rules) and writes what was loaded.</summary>
    /// <returns>The process exit code: 0, or 1 when the object cannot be read or loaded.</returns>
    public static int Run(IBpfSyscalls syscalls, string path, string? pinDirectory, TextWriter output, TextWriter error, string? tokenPath = null)
    {
        if (pinDirectory is not null && !Directory.Exists(pinDirectory))
        {
            error.WriteLine($"Error: --pin {pinDirectory}: no such directory (pins go under a directory on a bpffs: mount -t bpf bpf DIR)");
            return 1;
        }

        CollectionSpec spec;
        try
        {
            spec = CollectionSpec.Load(path);
        }
        catch (Exception e) when (e is Ebpf.Elf.ElfFormatException or Ebpf.Btf.BtfFormatException or ElfSpecException or MapDefinitionException or IOException)
        {
            error.WriteLine($"Error: {path}: {e.Message}");
            return 1;
        }

        Collection collection;
        try
        {
            collection = Collection.Load(spec, new CollectionLoadOptions { PinPath = pinDirectory, TokenPath = tokenPath }, syscalls);
        }
        catch (EbpfVerifierException e)
        {
            error.WriteLine($"Error: {e.Message}");
            error.WriteLine(e.Log);
            return 1;
        }
        catch (Exception e) when (e is EbpfException or EbpfNotSupportedException or Ebpf.Btf.CoreRelocationException or Ebpf.Asm.InstructionReferenceException)
        {
            error.WriteLine($"Error: {e.Message}"); // names the map or program that failed
            return 1;
        }

        using (collection)
        {
            var pins = new List<Action>();
            try
            {
                if (pinDirectory is not null)
                {
                    Directory.CreateDirectory(Path.Combine(pinDirectory, "progs"));
                    Directory.CreateDirectory(Path.Combine(pinDirectory, "maps"));
                    foreach (var (name, program) in collection.Programs)
                    {
                        program.Pin(Path.Combine(pinDirectory, "progs", name));
                        pins.Add(program.Unpin);
                    }

                    foreach (var (name, map) in collection.Maps)
                    {
                        if (spec.Maps[name].Pinning == PinType.None)
                        {
                            map.Pin(Path.Combine(pinDirectory, "maps", name.Replace('.', '_'))); // bpffs refuses dots in names, libbpf turns them into "_"
                            pins.Add(map.Unpin);
                        }
                    }
                }
            }
            catch (EbpfException e)
            {
                pins.ForEach(unpin => unpin());
                error.WriteLine($"Error: pinning under {pinDirectory}: {e.Message}");
                return 1;
            }

            foreach (var (name, program) in collection.Programs.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var info = program.Info();
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"prog {info.Id}: {name} ({spec.Programs[name].SectionName}, {program.Type}), xlated {info.XlatedSize}B"));
            }

            foreach (var (name, map) in collection.Maps.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"map {map.Info().Id}: {name} ({map.Type}, key {map.KeySize}B, value {map.ValueSize}B, max {map.MaxEntries})"));
            }

            output.WriteLine(pinDirectory is null ? "loaded; unloaded again on exit (use --pin DIR to keep it)" : $"pinned under {pinDirectory}");
        }

        return 0;
    }
}
